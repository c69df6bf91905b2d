package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reserved slot of a one-record call at the pipeline: close waits for the calls holding one, a
 * call that outlives the close timeout is counted loudly, and a released slot is room again.
 */
class ReservedRecordTest {
  /** A one-record call whose content is fixed. */
  static final class Call extends ToolCallRecord {
    private final String id;

    Call(String id) {
      super(1_764_324_000_000L);
      this.id = id;
    }

    @Override
    protected AuditEvent.Builder content() {
      return AuditEvent.builder(AuditEvent.TOOL_DECISION).task("task-1").tool("files.read").decision("ALLOW")
          .attributes(Map.of("resource.id", id));
    }
  }

  @TempDir
  Path dir;

  @Test
  void closeWaitsForACallInFlightSoItsRecordComesBeforeTheClose() throws Exception {
    // docs/security-cases.md #88
    InMemoryAuditSink sink = AuditSinks.inMemory();
    AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(sink));
    Call call = new Call("in-flight");
    assertTrue(p.reserveCall(call));
    Thread closing = new Thread(p::close);
    closing.start();
    await("close to stop accepting", Duration.ofSeconds(10), () -> !p.health().accepting());
    closing.join(200);
    assertTrue(closing.isAlive(), "close must wait for the call holding a reserved slot");
    assertFalse(p.record(AuditTestSupport.decision("task-2", 1)), "nothing new is accepted while closing");
    call.outcome(null, 7);
    assertTrue(p.recordOutcome(call));
    closing.join(10_000);
    assertFalse(closing.isAlive());
    List<String> types = sink.events().stream().map(AuditEvent::type).toList();
    int record = indexOf(sink.events(), "in-flight");
    assertTrue(record >= 0 && record < types.indexOf(AuditEvent.AUDIT_CLOSED), types.toString());
    assertEquals("success", sink.events().get(record).outcome());
    assertEquals(7L, sink.events().get(record).durationMicros());
    assertEquals("2025-11-28T10:00:00.000Z", sink.events().get(record).ts(), "stamped with the decision time");
    assertTrue(sink.events().stream().noneMatch(e -> AuditEvent.AUDIT_GAP.equals(e.type())));
  }

  @Test // docs/security-cases.md #29
  void aCallThatOutlivesTheCloseTimeoutIsCountedNotSilentlyLost() throws Exception {
    // docs/security-cases.md #88
    Path file = dir.resolve("audit.jsonl");
    AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(AuditSinks.jsonLines(file))
        .withCloseTimeout(Duration.ofMillis(300)));
    Call call = new Call("too-slow");
    assertTrue(p.reserveCall(call));
    String log = AuditTestSupport.captureStderr(p::close);
    assertTrue(log.contains("1 calls were still running"), log);
    call.outcome(null, 1);
    assertTrue(p.recordOutcome(call), "a reserved record's enqueue never fails");
    List<AuditEvent> events = AuditLog.read(file);
    assertEquals(-1, indexOf(events, "too-slow"));
    int gap = -1;
    for (int i = 0; i < events.size(); i++) {
      if (AuditEvent.AUDIT_GAP.equals(events.get(i).type())) {
        gap = i;
        assertEquals(1L, events.get(i).count());
      }
    }
    assertEquals(AuditEvent.AUDIT_CLOSED, events.get(events.size() - 1).type());
    assertTrue(gap >= 0 && gap < events.size() - 1, "the lost record is counted in a gap before the close");
    VerificationReport report = AuditLog.verify(file);
    assertTrue(report.ok(), report.toString());
  }

  @Test
  void aReleasedSlotIsRoomAgain() throws Exception {
    InMemoryAuditSink sink = AuditSinks.inMemory();
    AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(sink).withQueueCapacity(16)
        .withOverflow(AuditOverflow.DENY_AFTER_WAIT, Duration.ofMillis(50)));
    try {
      for (int i = 0; i < 160; i++) {
        Call c = new Call("released-" + i);
        assertTrue(p.reserveCall(c), "slot " + i + " leaked");
        p.releaseCall(c);
        p.releaseCall(c); // twice is a no-op, not a second slot
      }
      List<Call> holding = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Call c = new Call("held-" + i);
        assertTrue(p.reserveCall(c));
        holding.add(c);
      }
      assertFalse(p.reserveCall(new Call("one-too-many")), "16 held slots fill a 16-record queue");
      for (Call c : holding) {
        c.outcome("java.io.IOException", 3);
        assertTrue(p.recordOutcome(c));
      }
    } finally {
      p.close();
    }
    assertEquals(16, sink.events().stream().filter(e -> "failure".equals(e.outcome())).count());
    assertTrue(sink.events().stream().noneMatch(e -> String.valueOf(e.attributes().get("resource.id"))
        .startsWith("released-")));
  }

  @Test // docs/security-cases.md #31
  void deletingOrSwappingOneCombinedRecordIsDetected() throws Exception {
    // docs/security-cases.md #89
    Path file = dir.resolve("audit.jsonl");
    AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(AuditSinks.jsonLines(file)));
    for (int i = 0; i < 6; i++) {
      Call c = new Call("c-" + i);
      assertTrue(p.reserveCall(c));
      c.outcome(null, i);
      assertTrue(p.recordOutcome(c));
    }
    p.close();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertTrue(AuditLog.verify(lines).ok());
    int first = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (first < 0 && lines.get(i).contains("\"c-")) {
        first = i;
      }
    }
    List<String> deleted = new ArrayList<>(lines);
    deleted.remove(first + 2);
    assertFalse(AuditLog.verify(deleted).ok(), "a deleted call record must break the chain");
    List<String> swapped = new ArrayList<>(lines);
    swapped.set(first + 1, lines.get(first + 2));
    swapped.set(first + 2, lines.get(first + 1));
    assertFalse(AuditLog.verify(swapped).ok(), "two swapped call records must break the chain");
    List<String> changed = new ArrayList<>(lines);
    changed.set(first, lines.get(first).replace("\"outcome\":\"success\"", "\"outcome\":\"failure\""));
    assertFalse(AuditLog.verify(changed).ok(), "a changed outcome must break the chain");
  }

  private static int indexOf(List<AuditEvent> events, String id) {
    for (int i = 0; i < events.size(); i++) {
      if (id.equals(events.get(i).attributes().get("resource.id"))) {
        return i;
      }
    }
    return -1;
  }
}
