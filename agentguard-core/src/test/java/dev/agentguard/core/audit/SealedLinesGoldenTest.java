package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.ChainHead;
import dev.agentguard.core.internal.audit.ChainSealer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/security-cases.md #108: the lines the writer's sealer writes for a fixed trail are
 * byte-identical to those the plain encoder wrote before the writer cached any encoding (the file
 * {@code audit/sealed-trail.jsonl} was written by the code of commit b99197a). The trail repeats
 * members per task and tool (what the writer caches), changes them between records of the same
 * task, and has the values a model could choose: invisible characters, escapes, unpaired
 * surrogates, strings over the bound, many attributes, write-ahead pairs, and the pipeline's own
 * records that set and restate the policy version.
 */
class SealedLinesGoldenTest {
  static final String PREFIX = "0123456789abcdef-";

  /** The fixed trail's contents and their times (millis repeat, as under load). */
  static List<Object[]> trail() {
    List<Object[]> t = new ArrayList<>();
    String ts0 = "2026-12-02T03:00:00.000Z";
    String ts1 = "2026-12-02T03:00:00.001Z";
    String ts2 = "2026-12-02T03:00:01.999Z";
    t.add(new Object[] {AuditEvent.builder(AuditEvent.AUDIT_OPENED).instance("node-1").keyId("k1")
        .jwks("{\"keys\":[]}"), ts0, null});
    t.add(new Object[] {AuditEvent.builder(AuditEvent.POLICY_LOADED).policyVersion("v7").count(3L), ts0, null});
    t.add(new Object[] {task(AuditEvent.TASK_STARTED, "agent-1", "task-1"), ts0, null});
    for (int i = 0; i < 3; i++) {
      t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "T-" + i, "v7").outcome("success")
          .durationMicros(12L + i), i == 0 ? ts0 : ts1, null});
    }
    // same task, the agent differs only by an invisible character, then by case
    t.add(new Object[] {allow("agent\u200b-1", "task-1", "tickets.read", "T-9", "v7").outcome("success")
        .durationMicros(1L), ts1, null});
    t.add(new Object[] {allow("Agent-1", "task-1", "tickets.read", "T-9", "v7").outcome("failure")
        .error("java.io.IOException").durationMicros(2L).traceId("0af7651916cd43dd8448eb211c80319c")
        .spanId("b7ad6b7169203331"), ts1, null});
    // a policy version other than the chain's, no version at all (version 1), a deny
    t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "T-1", "v6").outcome("success")
        .durationMicros(3L), ts1, null});
    t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "T-1", null).outcome("success")
        .durationMicros(3L), ts1, null});
    t.add(new Object[] {task(AuditEvent.TOOL_DECISION, "agent-1", "task-1").tool("tickets.delete")
        .action("delete").risk("high").attributes(Map.of("ticket", "T-1")).decision("DENY")
        .code("NO_MATCHING_RULE").reasons(List.of("no rule allows tickets.delete")).policyVersion("v7"),
        ts1, null});
    // hostile strings: escapes, controls, line separators, unpaired surrogates, a huge value
    Map<String, Object> hostile = new LinkedHashMap<>();
    hostile.put("q", "\"quoted\" \\ back\u0000\u001f\u007f\u0085\u2028\u2029 \ud800 tail \udc00 \ud83d\ude00");
    hostile.put("big", "x".repeat(5000));
    hostile.put("n", 42);
    hostile.put("d", Double.NaN);
    hostile.put("f", 1.5f);
    hostile.put("b", true);
    hostile.put("list", List.of("a", 1L, List.of(2.5, "\u00e9")));
    hostile.put("\u00fcml\u00e4ut", "\u4e2d\u6587");
    t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "x".repeat(4097), "v7")
        .attributes(hostile).outcome("success").durationMicros(4L), ts1, null});
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i < 140; i++) {
      many.put("k" + i, "v" + i);
    }
    t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "T-2", "v7").attributes(many)
        .outcome("success").durationMicros(5L), ts1, null});
    // a write-ahead pair, the completion naming its decision as parent
    t.add(new Object[] {task(AuditEvent.TOOL_DECISION, "agent-1", "task-1").tool("payments.send")
        .action("send").risk("critical").attributes(Map.of("amount", 10L)).decision("ALLOW")
        .reasons(List.of("permitted by p-pay")).policies(List.of("p-pay")).policyVersion("v7"), ts1, null});
    t.add(new Object[] {AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task("task-1").tool("payments.send")
        .outcome("success").durationMicros(900L), ts2, PREFIX + "14"});
    // a second task interleaved, a reasons list that is not the plain one, shadow members
    t.add(new Object[] {task(AuditEvent.TASK_STARTED, "agent-2", "task-2").onBehalfOf("user@example.com"), ts2,
        null});
    t.add(new Object[] {allow("agent-2", "task-2", "tickets.read", "T-1", "v7")
        .reasons(List.of("permitted by p-read", "and more")).outcome("success").durationMicros(6L)
        .shadowDecision("DENY").shadowCode("NO_MATCHING_RULE").shadowPolicies(List.of("p-x"))
        .shadowVersion("v8").shadowRules(List.of("r1:DENY")), ts2, null});
    t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "T-3", "v7").outcome("success")
        .durationMicros(7L), ts2, null});
    t.add(new Object[] {AuditEvent.builder(AuditEvent.AUDIT_CHECKPOINT).policyVersion("v7").signature("c2ln")
        .keyId("k1").count(17L), ts2, null});
    t.add(new Object[] {task(AuditEvent.TASK_COMPLETED, "agent-1", "task-1"), ts2, null});
    t.add(new Object[] {allow("agent-1", "task-1", "tickets.read", "T-4", "v7").outcome("success")
        .durationMicros(8L), ts2, null}); // after task.completed: no parent
    t.add(new Object[] {AuditEvent.builder(AuditEvent.AUDIT_GAP).count(5L), ts2, null});
    t.add(new Object[] {AuditEvent.builder(AuditEvent.AUDIT_CLOSED).signature("c2ln").keyId("k1"), ts2, null});
    return t;
  }

  private static AuditEvent.Builder task(String type, String agent, String task) {
    return AuditEvent.builder(type).agent(agent).task(task).credential("cred-" + task);
  }

  private static AuditEvent.Builder allow(String agent, String task, String tool, String ticket, String version) {
    return task(AuditEvent.TOOL_DECISION, agent, task).tool(tool).action("read").risk("low")
        .attributes(Map.of("ticket", ticket)).decision("ALLOW").reasons(List.of("permitted by p-read"))
        .policies(List.of("p-read")).policyVersion(version);
  }

  /** The trail's lines as this code's sealer writes them. */
  static byte[] sealedLines() {
    ChainSealer sealer = new ChainSealer(ChainHead.GENESIS, PREFIX);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object[] r : trail()) {
      sealer.sealLine((AuditEvent.Builder) r[0], (String) r[1], (String) r[2]);
      out.write(sealer.lineBytes(), 0, sealer.lineLength());
    }
    return out.toByteArray();
  }

  @Test
  void theSealerWritesTheLinesThePlainEncoderWroteBefore() throws IOException {
    byte[] expected;
    try (InputStream in = SealedLinesGoldenTest.class.getResourceAsStream("/audit/sealed-trail.jsonl")) {
      expected = in.readAllBytes();
    }
    assertEquals(new String(expected, StandardCharsets.UTF_8), new String(sealedLines(), StandardCharsets.UTF_8));
  }
}
