package dev.agentguard.core.guard;

import dev.agentguard.core.TestClock;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AuditEvent;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** A guard over {@link SupportTools} with a fake clock and an in-memory audit sink. */
final class GuardFixture implements AutoCloseable {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-read",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"tickets.*\", \"customers.read\"]",
      "    when: resource.sensitivity <= 'confidential' && context.environment == 'prod'",
      "  - id: support-send",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"http.post\", \"email.send\"]",
      "  - id: no-exfiltration",
      "    effect: forbid",
      "    tools: [\"http.*\", \"email.send\"]",
      "    when: destination.external && task.maxSensitivity >= 'confidential'",
      "  - id: no-secret-tags",
      "    effect: forbid",
      "    tools: [\"tickets.tag\"]",
      "    when: resource.tags.contains('secret')",
      "limits:",
      "  - id: email-budget",
      "    tools: [\"email.send\"]",
      "    maxCallsPerTask: 3",
      "");

  static final AgentIdentity SUPPORT_BOT = AgentIdentity.of("spiffe://acme.example/agent/support-bot");

  final TestClock clock = TestClock.at("2026-11-28T10:00:00Z");
  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final SupportTools.Impl impl = new SupportTools.Impl();
  final AgentGuard guard;
  final SupportTools tools;

  GuardFixture() {
    this(b -> b);
  }

  GuardFixture(UnaryOperator<AgentGuard.Builder> customize) {
    this(PolicySet.parse(POLICY), customize);
  }

  GuardFixture(PolicySet policy, UnaryOperator<AgentGuard.Builder> customize) {
    AgentGuard.Builder b = AgentGuard.builder()
        .policy(policy)
        .clock(clock)
        .auditSink(sink)
        .internalHosts("*.acme.example", "localhost");
    guard = customize.apply(b).build();
    tools = guard.protect(SupportTools.class, impl);
  }

  static TaskSpec.Builder spec() {
    return TaskSpec.builder(SUPPORT_BOT)
        .purpose("triage T-1")
        .onBehalfOf("user:alice")
        .context("environment", "prod")
        .ttl(Duration.ofMinutes(5));
  }

  static TaskSpec allScopes() {
    return spec().scopes("tickets.*", "customers.read", "http.post", "email.send").build();
  }

  /** Closes the guard (draining the audit pipeline) and returns everything the sink took. */
  List<AuditEvent> drainedEvents() {
    guard.close();
    return sink.events();
  }

  static List<String> types(List<AuditEvent> events) {
    return events.stream().map(AuditEvent::type).collect(Collectors.toList());
  }

  @Override
  public void close() {
    guard.close();
  }
}
