package dev.agentguard.langchain4j;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AuditEvent;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;

/** A guard with a fixed clock and an in-memory audit sink, and the support tools. */
final class LcFixture implements AutoCloseable {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-tools",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"tickets.*\", \"email.send\", \"billing.refund\"]",
      "  - id: no-ticket-deletion",
      "    effect: forbid",
      "    tools: [\"tickets.delete\"]",
      "");

  static final AgentIdentity SUPPORT_BOT = AgentIdentity.of("spiffe://acme.example/agent/support-bot");

  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final SupportTools tools = new SupportTools();
  final AgentGuard guard;

  LcFixture() {
    this(b -> b);
  }

  LcFixture(UnaryOperator<AgentGuard.Builder> customize) {
    AgentGuard.Builder b = AgentGuard.builder()
        .policy(PolicySet.parse(POLICY))
        .clock(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))
        .auditSink(sink);
    guard = customize.apply(b).build();
  }

  /** A support task that may read and delete tickets and send e-mail, but not refund. */
  static TaskSpec supportTask() {
    return TaskSpec.builder(SUPPORT_BOT)
        .purpose("answer ticket T-1")
        .onBehalfOf("user:alice")
        .scopes("tickets.*", "email.send")
        .ttl(Duration.ofMinutes(5))
        .build();
  }

  /** A support task with the given scopes. */
  static TaskSpec task(String... scopes) {
    return TaskSpec.builder(SUPPORT_BOT).onBehalfOf("user:alice").scopes(scopes).build();
  }

  /** Closes the guard (draining the audit pipeline) and returns everything the sink took. */
  List<AuditEvent> drainedEvents() {
    guard.close();
    return sink.events();
  }

  @Override
  public void close() {
    guard.close();
  }
}
