package dev.agentguard.springai;

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
import org.springframework.ai.chat.client.ChatClient;

/** A guard with a fixed clock and an in-memory audit sink, the support tools and a scripted model. */
final class SpringAiFixture implements AutoCloseable {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-tools",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"tickets.*\", \"email.send\", \"billing.refund\", \"weather.get\"]",
      "  - id: no-ticket-deletion",
      "    effect: forbid",
      "    tools: [\"tickets.delete\"]",
      "  - id: no-atlantis",
      "    effect: forbid",
      "    tools: [\"weather.get\"]",
      "    when: resource.city == 'Atlantis'",
      "");

  static final AgentIdentity SUPPORT_BOT = AgentIdentity.of("spiffe://acme.example/agent/support-bot");

  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final SupportTools tools = new SupportTools();
  final ScriptedChatModel model = new ScriptedChatModel();
  final AgentGuard guard;

  /** A fixture whose guard is {@code builder} plus the in-memory sink. */
  SpringAiFixture(AgentGuard.Builder builder) {
    guard = builder.auditSink(sink).build();
    tools.observe(guard);
  }

  SpringAiFixture() {
    this(guardBuilder());
  }

  static AgentGuard.Builder guardBuilder() {
    return AgentGuard.builder()
        .policy(PolicySet.parse(POLICY))
        .clock(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC));
  }

  /** A chat client with both AgentGuard advisors and the guarded support tools as defaults. */
  ChatClient chatClient() {
    return ChatClient.builder(model)
        .defaultAdvisors(AgentGuardAdvisors.of(guard))
        .defaultTools(GuardedToolCallbacks.from(guard, tools))
        .build();
  }

  /** A support task that may read and delete tickets and send e-mail, but not refund. */
  static TaskSpec supportTask() {
    return task("tickets.*", "email.send");
  }

  /** A support task with the given scopes. */
  static TaskSpec task(String... scopes) {
    return TaskSpec.builder(SUPPORT_BOT).purpose("answer ticket").onBehalfOf("user:alice")
        .scopes(scopes).ttl(Duration.ofMinutes(5)).build();
  }

  /** The decisions recorded for {@code tool}. */
  List<AuditEvent> decisions(String tool) {
    return sink.events().stream().filter(e -> e.type().equals("tool.decision") && tool.equals(e.tool())).toList();
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
