package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pipeline's own records attest the chain; only the pipeline itself may write them. */
class ReservedTypesTest {
  @Test
  void callersCannotSubmitThePipelinesOwnRecordsOrUnknownTypes() {
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(sink))) {
      assertThrows(IllegalArgumentException.class,
          () -> p.record(AuditEvent.builder(AuditEvent.AUDIT_CHECKPOINT).signature("forged").keyId("k")));
      assertThrows(IllegalArgumentException.class,
          () -> p.record(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(0L)));
      assertThrows(IllegalArgumentException.class,
          () -> p.recordDurably(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(0L), Duration.ofSeconds(1)));
      assertThrows(IllegalArgumentException.class,
          () -> p.record(AuditEvent.builder(AuditEvent.AUDIT_OPENED).keyId("k").jwks("{}")));
      assertThrows(IllegalArgumentException.class,
          () -> p.recordDurably(AuditEvent.builder(AuditEvent.AUDIT_CLOSED), Duration.ofSeconds(1)));
      assertThrows(IllegalArgumentException.class, () -> p.record(AuditEvent.builder("tool.decided")));
      assertTrue(p.record(AuditEvent.builder(AuditEvent.TASK_STARTED).task("t")));
      assertTrue(p.record(AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").signature("forged").keyId("k")
          .jwks("{}")));
    }
    assertTrue(sink.events().stream().noneMatch(e -> "forged".equals(e.signature())));
    AuditEvent decision = sink.events().stream().filter(e -> e.type().equals(AuditEvent.TOOL_DECISION))
        .findFirst().orElseThrow();
    assertNull(decision.keyId(), "signature, keyId and jwks are cleared on callers' records");
    assertNull(decision.jwks());
    assertEquals(1, sink.events().stream().filter(e -> e.type().equals(AuditEvent.AUDIT_OPENED)).count());
    assertEquals(1, sink.events().stream().filter(e -> e.type().equals(AuditEvent.AUDIT_CLOSED)).count());
  }
}
