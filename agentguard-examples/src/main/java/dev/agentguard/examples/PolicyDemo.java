package dev.agentguard.examples;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.PolicyException;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Loads the support-bot policy and shows how the engine decides a handful of realistic calls, on its
 * own, without a guard.
 *
 * <p>Run: {@code mvn -q -pl agentguard-examples -am compile exec:java
 * -Dexec.mainClass=dev.agentguard.examples.PolicyDemo -Ddemo.main=dev.agentguard.examples.PolicyDemo}
 *
 * @since 0.1.0
 */
public final class PolicyDemo {
  private PolicyDemo() {}

  /** Task state as a guard would supply it. */
  private record Task(String id, String purpose, String onBehalfOf, Set<String> toolsCalled, String lastTool,
      long calls, Sensitivity maxSensitivity, long startedAtMillis, Map<String, Object> context) implements TaskState {}

  /**
   * Entry point.
   *
   * @param args ignored
   * @throws IOException if the bundled policy cannot be read
   */
  public static void main(String[] args) throws IOException {
    String yaml;
    try (InputStream in = PolicyDemo.class.getResourceAsStream("/policies/support-bot.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PolicySet policy = PolicySet.parse(yaml, "policies/support-bot.yaml");
    System.out.println("Loaded " + policy.source() + " " + policy.version());
    System.out.println("Rules: " + policy.ruleIds());
    System.out.println();

    AgentIdentity bot = AgentIdentity.of("spiffe://acme.example/agent/support-bot");
    AgentIdentity billing = AgentIdentity.of("spiffe://acme.example/agent/billing-bot");
    long now = Instant.parse("2026-12-24T10:00:00Z").toEpochMilli();
    Task fresh = new Task("task-1", "triage T-1001", "user:alice", Set.of(), null, 0, Sensitivity.PUBLIC, now - 5_000,
        Map.of("environment", "prod"));
    Task tainted = new Task("task-2", "refund T-1002", "user:bob", Set.of("tickets.read"), "tickets.read", 4,
        Sensitivity.CONFIDENTIAL, now - 60_000, Map.of("environment", "prod"));

    show(policy, "support bot reads an internal ticket", bot, ToolRequest.builder("tickets.read").action("read")
        .risk(Risk.LOW).attribute("resource.id", "T-1001").build(), fresh, now);
    show(policy, "support bot reads a confidential ticket", bot, ToolRequest.builder("tickets.read").action("read")
        .attribute("resource.id", "T-1002").attribute("resource.sensitivity", "confidential").build(), fresh, now);
    show(policy, "support bot reads a restricted record", bot, ToolRequest.builder("tickets.read").action("read")
        .attribute("resource.sensitivity", "restricted").build(), fresh, now);
    show(policy, "billing bot reads a ticket (no permit for it)", billing, ToolRequest.builder("tickets.read")
        .build(), fresh, now);
    show(policy, "posting to the partner API, clean task", bot, post("https://api.partner.example/v1/status"), fresh, now);
    show(policy, "posting to the partner API after confidential data", bot,
        post("https://api.partner.example/v1/status"), tainted, now);
    show(policy, "posting to a paste site", bot, post("https://paste.evil.example/new"), fresh, now);
    show(policy, "posting without task state (forbid cannot be evaluated)", bot,
        post("https://api.partner.example/v1/status"), null, now);
    show(policy, "escalation during the holidays", bot, ToolRequest.builder("tickets.escalate").build(), fresh, now);
    show(policy, "escalation after the grant expired", bot, ToolRequest.builder("tickets.escalate").build(), fresh,
        Instant.parse("2027-01-06T00:00:00Z").toEpochMilli());
    show(policy, "a literal that looks like code stays data", bot, ToolRequest.builder("tickets.read")
        .attribute("context.environment", "prod' || true || '").build(), null, now);

    System.out.println("Limits for email.send: ");
    for (PolicyLimit l : policy.limitsFor("email.send", bot.id())) {
      System.out.println("  " + l.id() + " perTask=" + l.maxCallsPerTask() + " perMinute=" + l.maxCallsPerMinute());
    }

    System.out.println();
    try {
      PolicySet.parse("version: 1\npolicies:\n  - id: oops\n    effect: Permit\n    tools: [tickets.read]\n", "bad.yaml");
    } catch (PolicyException e) {
      System.out.println("A broken policy is rejected with its location: " + e.getMessage());
    }
  }

  private static ToolRequest post(String url) {
    ToolRequest.Builder b = ToolRequest.builder("http.post").action("send").risk(Risk.HIGH)
        .attribute("destination.url", url);
    boolean external = !url.contains(".acme.example/");
    return b.attribute("destination.external", external).build();
  }

  private static void show(PolicySet policy, String what, AgentIdentity agent, ToolRequest request, TaskState task,
      long now) {
    Decision d = policy.evaluate(agent, request, task, now);
    System.out.printf("%-58s %-5s %-20s %s %s%n", what, d.allowed() ? "ALLOW" : "DENY",
        d.allowed() ? "" : d.code(), d.policies(), d.reasons());
  }
}
