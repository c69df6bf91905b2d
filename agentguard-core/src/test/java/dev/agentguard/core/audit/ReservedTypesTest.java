package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Gap and checkpoint records attest the chain; only the pipeline itself may write them. */
class ReservedTypesTest {
  @Test
  void callersCannotSubmitGapOrCheckpointRecords() {
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(sink))) {
      assertThrows(IllegalArgumentException.class,
          () -> p.record(AuditEvent.builder(AuditEvent.AUDIT_CHECKPOINT).signature("forged").keyId("k")));
      assertThrows(IllegalArgumentException.class,
          () -> p.record(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(0L)));
      assertThrows(IllegalArgumentException.class,
          () -> p.recordDurably(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(0L), Duration.ofSeconds(1)));
      assertTrue(p.record(AuditEvent.builder(AuditEvent.TASK_STARTED).task("t")));
    }
    assertTrue(sink.events().stream().noneMatch(e -> "forged".equals(e.signature())));
  }
}
