package dev.agentguard.opentelemetry;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.test.AuditSinkCompatibilityKit;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The OpenTelemetry log sink passes the sink compatibility kit: every record, in order, every field
 * recoverable from the log record's body, from many threads, readable before a write-ahead call's
 * tool runs (a synchronous log processor), and no write after close.
 */
class AuditLogSinkCompatibilityTest extends AuditSinkCompatibilityKit {
  private final Map<AuditSink, OtelHarness> harnesses = new IdentityHashMap<>();

  @Override
  protected AuditSink newSink() {
    OtelHarness h = new OtelHarness();
    AuditSink sink = AgentGuardTelemetry.create(h.sdk).auditLogSink();
    harnesses.put(sink, h);
    return sink;
  }

  @Override
  protected List<AuditEvent> readBack(AuditSink sink) {
    return OtelHarness.records(harnesses.get(sink).logs.getFinishedLogRecordItems());
  }

  @AfterEach
  void closeSdks() {
    harnesses.values().forEach(OtelHarness::close);
  }
}
