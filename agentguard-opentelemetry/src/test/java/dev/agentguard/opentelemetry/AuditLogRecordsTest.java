package dev.agentguard.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log sink: one log record per audit record, in order, with the record's fields and the call's trace context. */
class AuditLogRecordsTest {
  @Test
  void logRecordsMatchTheTrailOneForOne() throws Exception {
    List<AuditEvent> trail;
    List<LogRecordData> logs;
    try (TelemetryFixture f = new TelemetryFixture()) {
      Span outer = f.otel.sdk.getTracer("test").spanBuilder("agent turn").startSpan();
      try (Scope s = outer.makeCurrent(); AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        f.tools.read("/tmp/a");
        assertThrows(AccessDeniedException.class, () -> f.tools.read("/etc/shadow"));
        assertThrows(IllegalStateException.class, () -> f.tools.fail("/tmp/b"));
      } finally {
        outer.end();
      }
      trail = f.drained();
      logs = f.otel.logs.getFinishedLogRecordItems();
    }
    assertEquals(trail.size(), logs.size(), "one log record per audit record");
    assertEquals(trail, OtelHarness.records(logs), "same records, same order, every field");
    for (int i = 0; i < trail.size(); i++) {
      AuditEvent e = trail.get(i);
      LogRecordData log = logs.get(i);
      assertEquals(e.type(), log.getEventName());
      assertEquals(e.seq(), log.getAttributes().get(TelemetryKeys.AUDIT_SEQ));
      assertEquals(e.id(), log.getAttributes().get(TelemetryKeys.AUDIT_ID));
      assertEquals(e.hash(), log.getAttributes().get(TelemetryKeys.AUDIT_HASH));
      Instant ts = Instant.parse(e.ts());
      assertEquals(TimeUnit.SECONDS.toNanos(ts.getEpochSecond()) + ts.getNano(), log.getTimestampEpochNanos());
      if (e.traceId() != null) {
        assertEquals(e.traceId(), log.getSpanContext().getTraceId());
        assertEquals(e.spanId(), log.getSpanContext().getSpanId());
      } else {
        assertFalse(log.getSpanContext().isValid(), e.type() + " carries no call context");
      }
      Severity expected = "DENY".equals(e.decision()) || "failure".equals(e.outcome()) ? Severity.WARN : Severity.INFO;
      assertEquals(expected, log.getSeverity(), e.toString());
    }
    assertTrue(trail.stream().filter(e -> e.type().startsWith("tool.")).allMatch(e -> e.traceId() != null));
    // one record per LOW call since 0.2.0 (decision and outcome): allowed, denied, failed
    assertEquals(3, trail.stream().filter(e -> e.type().startsWith("tool.")).count());
  }

  @Test
  void aGapIsAnError() {
    AuditEvent gap = AuditEvent.recorded(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(3L), 9, "e-9",
        "2026-12-01T10:00:00Z", null, "sha256:" + "0".repeat(64), null);
    assertEquals(Severity.ERROR, AuditLogSink.severity(gap));
    assertEquals(Severity.WARN, AuditLogSink.severity(AuditEvent.builder(AuditEvent.POLICY_REJECTED).build()));
    assertEquals(Severity.INFO, AuditLogSink.severity(AuditEvent.builder(AuditEvent.POLICY_LOADED).build()));
  }
}
