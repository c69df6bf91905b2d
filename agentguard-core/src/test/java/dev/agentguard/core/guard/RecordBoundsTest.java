package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.VerificationReport;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model-sized argument is decided whole but recorded bounded, and the trail still verifies. */
class RecordBoundsTest {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: notes",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"tickets.*\"]",
      "    when: \"!resource.body.contains('forbidden-marker')\"",
      "");

  interface Notes {
    @AgentTool(value = "tickets.note", action = "write", risk = Risk.LOW)
    String note(@Attr("resource.body") String body, @Attr("resource.tags") List<String> tags);
  }

  @Test
  void aMegabyteArgumentIsRecordedBoundedAndTheTrailVerifies(@TempDir Path dir) throws Exception { // docs/security-cases.md #43
    Path file = dir.resolve("audit.jsonl");
    String huge = "x".repeat(1_100_000);
    List<String> manyTags = Collections.nCopies(1000, "t".repeat(100));
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.auditSink(AuditSinks.jsonLines(file)))) {
      Notes notes = f.guard.protect(Notes.class, (body, tags) -> "noted " + body.length() + "/" + tags.size());
      try (AgentTask task = f.guard.startTask(spec().scopes("tickets.*").build())) {
        assertEquals("noted 1100000/1000", notes.note(huge, manyTags));
        assertEquals("noted 1/1", notes.note("y", List.of("a")));
      }
      AuditEvent decision = f.drainedEvents().stream()
          .filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).findFirst().orElseThrow();
      String body = (String) decision.attributes().get("resource.body");
      assertTrue(body.length() < 4096 + 200, "bounded: " + body.length());
      assertEquals("x".repeat(4096) + "...[truncated 1100000 chars, " + ArgumentSnapshotTest.sha256(huge) + "]", body);
      List<?> tags = (List<?>) decision.attributes().get("resource.tags");
      assertEquals(65, tags.size(), "64 tags kept, then the marker");
      assertTrue(String.valueOf(tags.get(64)).startsWith("...[truncated 1000 elements, sha256:"), String.valueOf(tags.get(64)));
    }
    VerificationReport report = AuditLog.verify(file);
    assertTrue(report.ok(), report::toString);
    AuditEvent small = AuditLog.read(file).stream()
        .filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).skip(1).findFirst().orElseThrow();
    assertEquals("y", small.attributes().get("resource.body"), "short values are recorded as they are");
  }
}
