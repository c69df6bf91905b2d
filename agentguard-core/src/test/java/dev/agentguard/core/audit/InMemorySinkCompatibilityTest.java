package dev.agentguard.core.audit;

import dev.agentguard.test.AuditSinkCompatibilityKit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import java.util.List;

class InMemorySinkCompatibilityTest extends AuditSinkCompatibilityKit {
  @Override
  protected AuditSink newSink() {
    return AuditSinks.inMemory();
  }

  @Override
  protected List<AuditEvent> readBack(AuditSink sink) {
    return ((InMemoryAuditSink) sink).events();
  }
}
