package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.spi.CallObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// docs/security-cases.md #82
/**
 * {@code traceId} and {@code spanId} on call records: written in their canonical place, read back,
 * covered by the hash (changing one digit breaks the chain), and kept when a record is bounded.
 */
class TraceContextRecordTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";
  static final PolicySet PERMIT = PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n"
      + "    tools: [\"**\"]\n");

  @TempDir
  Path dir;
  Path file;
  List<String> lines;

  @BeforeEach
  void writeTrail() throws Exception {
    file = dir.resolve("audit.jsonl");
    CallObserver observer = tool -> new CallObserver.Observation() {
      @Override
      public String traceId() {
        return TRACE;
      }

      @Override
      public String spanId() {
        return SPAN;
      }
    };
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT).closeOnShutdown(false)
        .auditSink(AuditSinks.jsonLines(file)).callObserver(observer).build();
        AgentTask task = guard.startTask(TaskSpec.builder(AgentIdentity.of("spiffe://acme.example/agent/a"))
            .scopes("**").build())) {
      ToolRequest small = ToolRequest.builder("notes.read").action("read").risk(Risk.LOW).build();
      ToolRequest big = ToolRequest.builder("notes.write").action("write").risk(Risk.LOW)
          .attribute("resource.text", "x".repeat(10_000)).build();
      guard.call(small, () -> "ok");
      guard.call(big, () -> "ok");
    }
    lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  @Test
  void callRecordsCarryTheIdsInTheirCanonicalPlace() {
    List<String> calls = lines.stream().filter(l -> l.contains("\"type\":\"tool.")).toList();
    assertEquals(2, calls.size(), "since 0.2.0 a LOW-risk call is one record (decision and outcome)");
    for (String line : calls) {
      String ids = ",\"traceId\":\"" + TRACE + "\",\"spanId\":\"" + SPAN + "\",";
      assertTrue(line.contains(ids), line);
      assertTrue(line.indexOf(ids) < line.indexOf(",\"prev\":"), "after jwks, before parent and prev: " + line);
    }
    assertTrue(lines.stream().filter(l -> !l.contains("\"type\":\"tool.")).noneMatch(l -> l.contains("traceId")));
  }

  @Test
  void readsBackAndVerifiesAndABoundedRecordKeepsThem() { // docs/security-cases.md #43
    VerificationReport report = AuditLog.verify(file);
    assertTrue(report.ok(), report.toString());
    List<AuditEvent> calls = AuditLog.read(file).stream().filter(e -> e.type().startsWith("tool.")).toList();
    for (AuditEvent e : calls) {
      assertEquals(TRACE, e.traceId(), e.toString());
      assertEquals(SPAN, e.spanId(), e.toString());
    }
    String text = (String) calls.get(1).attributes().get("resource.text");
    assertTrue(text.length() < 10_000, "the big attribute was bounded");
  }

  @Test
  void theHashCoversTheTraceId() throws Exception { // docs/security-cases.md #31
    int i = 0;
    while (!lines.get(i).contains("\"type\":\"tool.decision\"")) {
      i++;
    }
    lines.set(i, lines.get(i).replace(TRACE, TRACE.substring(0, 31) + "7"));
    Files.write(file, lines, StandardCharsets.UTF_8);
    VerificationReport report = AuditLog.verify(file);
    assertFalse(report.ok(), "a changed traceId must break the chain");
    assertEquals(i + 1L, report.firstBadSeq().getAsLong(), report.toString());
  }
}
