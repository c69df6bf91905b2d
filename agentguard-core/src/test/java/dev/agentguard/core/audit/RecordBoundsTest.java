package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.config;
import static dev.agentguard.core.audit.AuditTestSupport.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.internal.Hashing;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/security-cases.md #43: sizes the model controls are bounded in the record, with a marker and
 * the digest of the full value, and the trail still verifies after them.
 */
class RecordBoundsTest {
  @TempDir
  Path dir;

  private static String marker(String full) {
    return "...[truncated " + full.length() + " chars, " + Hashing.sha256Tagged(full) + "]";
  }

  @Test
  void aOneMegabyteAttributeIsCutWithAMarkerAndTheTrailStillVerifies() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    String huge = "x".repeat(1_100_000);
    String escapes = "\u0001".repeat(1_000_000);
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      assertTrue(p.recordDurably(AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").tool("notes.append")
          .decision("ALLOW").attributes(Map.of("resource.text", huge, "resource.raw", escapes)), Duration.ofSeconds(30)));
      assertTrue(p.recordDurably(decision("t", 1), Duration.ofSeconds(5)));
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok(), r.toString());
    for (String line : Files.readAllLines(file)) {
      assertTrue(line.length() < 1 << 20, "line of " + line.length() + " bytes");
    }
    AuditEvent e = AuditLog.read(file).stream().filter(x -> "notes.append".equals(x.tool())).findFirst().orElseThrow();
    String text = (String) e.attributes().get("resource.text");
    assertEquals("x".repeat(4096) + marker(huge), text);
    String raw = (String) e.attributes().get("resource.raw");
    assertEquals("\u0001".repeat(4096) + marker(escapes), raw);
  }

  @Test
  void hugeReasonsErrorsListsAndAttributeCountsAreBoundedToo() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    String huge = "r".repeat(200_000);
    List<Object> longList = new ArrayList<>(Collections.nCopies(10_000, "item"));
    Map<String, Object> many = new java.util.HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      many.put("resource.k" + i, "v".repeat(2_000));
    }
    many.put("resource.list", longList);
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      assertTrue(p.recordDurably(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task("t").tool("notes.append")
          .outcome("failure").error(huge).reasons(Collections.nCopies(200, huge)).attributes(many),
          Duration.ofSeconds(30)));
      assertTrue(p.recordDurably(decision("t", 1), Duration.ofSeconds(5)));
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok(), r.toString());
    AuditEvent e = AuditLog.read(file).stream().filter(x -> AuditEvent.TOOL_COMPLETED.equals(x.type()))
        .findFirst().orElseThrow();
    assertEquals("r".repeat(4096) + marker(huge), e.error());
    assertTrue(e.reasons().size() <= 65, "reasons: " + e.reasons().size());
    assertTrue(e.attributes().size() <= 129, "attributes: " + e.attributes().size());
  }

  @Test
  void aOneMegabyteToolArgumentThroughTheGuardLeavesAVerifiableTrail() throws Exception {
    Path file = dir.resolve("guard.jsonl");
    AuditGuardSupport.Notes impl = new AuditGuardSupport.Notes();
    String huge = "A".repeat(1 << 20);
    try (AgentGuard guard = AgentGuard.builder().policy(AuditGuardSupport.POLICY)
        .auditSink(AuditSinks.jsonLines(file)).build()) {
      AuditGuardSupport.NoteTools tools = guard.protect(AuditGuardSupport.NoteTools.class, impl);
      try (AgentTask task = guard.startTask(AuditGuardSupport.spec())) {
        tools.publish(huge);
        tools.append("after");
      }
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok(), r.toString());
    assertTrue(AuditLog.read(file).stream().anyMatch(e -> "after".equals(e.attributes().get("resource.text"))));
  }
}
