package dev.agentguard.opentelemetry;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AuditEvent;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.test.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** A guard over {@link FileTools} wired to the telemetry of an {@link OtelHarness}, with a reference trail. */
final class TelemetryFixture implements AutoCloseable {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: files-and-mail",
      "    effect: permit",
      "    tools: [\"files.*\", \"mail.send\"]",
      "  - id: no-etc",
      "    effect: forbid",
      "    tools: [\"files.read\"]",
      "    when: resource.path == '/etc/shadow'",
      "");
  static final AgentIdentity AGENT = AgentIdentity.of("spiffe://acme.example/agent/otel-bot");

  final OtelHarness otel = new OtelHarness();
  final InMemoryAuditSink trail = AuditSinks.inMemory();
  final AgentGuardTelemetry telemetry;
  final AgentGuard guard;
  final FileTools.Impl impl = new FileTools.Impl(otel.sdk.getTracer("test"));
  final FileTools tools;

  TelemetryFixture() {
    this(b -> b);
  }

  TelemetryFixture(UnaryOperator<AgentGuardTelemetry.Builder> telemetrySettings) {
    telemetry = telemetrySettings.apply(AgentGuardTelemetry.builder(otel.sdk)).build();
    guard = AgentGuard.builder()
        .policy(PolicySet.parse(POLICY))
        .clock(FakeClock.at("2026-12-01T10:00:00Z"))
        .closeOnShutdown(false)
        .instanceId("otel-test-1")
        .auditSink(trail)
        .auditSink(telemetry.auditLogSink())
        .callObserver(telemetry.callObserver())
        .build();
    tools = guard.protect(FileTools.class, impl);
  }

  static TaskSpec spec() {
    return TaskSpec.builder(AGENT).purpose("telemetry").scopes("files.*", "mail.send")
        .ttl(Duration.ofMinutes(5)).build();
  }

  /** Closes the guard (drains the trail) and returns the reference trail. */
  List<AuditEvent> drained() {
    guard.close();
    return trail.events();
  }

  @Override
  public void close() {
    guard.close();
    otel.close();
  }
}
