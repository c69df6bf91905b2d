package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.captureStderr;
import static dev.agentguard.core.audit.AuditTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Slf4jSinkTest {
  @Test
  void logsStructuredKeyValuesOnTheAuditLogger() throws Exception {
    AuditSink sink = AuditSinks.slf4j();
    String out = captureStderr(() -> {
      try (AuditPipeline p = AuditPipeline.start(config(sink))) {
        p.recordDurably(AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t-1").tool("mail.send")
            .decision("DENY").attributes(Map.of("resource.id", "sha256:abc")), java.time.Duration.ofSeconds(5));
      }
    });
    assertTrue(out.contains("agentguard.audit"), out);
    assertTrue(out.contains("tool.decision"), out);
    assertTrue(out.contains("task=t-1"), out);
    assertTrue(out.contains("attributes.resource.id=sha256:abc"), out);
    assertThrows(IllegalStateException.class,
        () -> sink.write(AuditEvent.builder(AuditEvent.TOOL_DECISION).build()));
  }
}
