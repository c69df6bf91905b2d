package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.Explanation;
import dev.agentguard.core.Explanation.Condition;
import dev.agentguard.core.Explanation.Kind;
import dev.agentguard.core.Explanation.Outcome;
import dev.agentguard.core.PolicyRule;
import dev.agentguard.core.PolicySet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExplainTest {
  static final AgentIdentity BOT = AgentIdentity.of("spiffe://acme.example/agent/support-bot");
  static final long NOW = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

  static final PolicySet SET = PolicySet.parse(String.join("\n",
      "version: 1",
      "policies:",
      "  - id: send",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"http.post\"]",
      "    when: destination.host.endsWith('.acme.example') || (tool.risk < 'high' && !destination.external)",
      "  - id: no-exfiltration",
      "    effect: forbid",
      "    tools: [\"http.*\"]",
      "    when: destination.external && task.maxSensitivity >= 'confidential'",
      "  - id: old",
      "    effect: permit",
      "    tools: [\"http.post\"]",
      "    expires: 2026-01-01T00:00:00Z",
      "  - id: billing-only",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/billing\"]",
      "    tools: [\"http.post\"]",
      "  - id: mail",
      "    effect: permit",
      "    tools: [\"email.send\"]",
      ""));

  static final ToolRequest POST = ToolRequest.builder("http.post").risk(Risk.HIGH)
      .attribute("destination.url", "https://api.partner.example/upload").attribute("destination.external", true).build();

  @Test
  void listsTheSelectedRulesByIdWithTheirOutcomes() {
    Explanation x = SET.explain(BOT, POST, null, NOW);
    assertEquals(SET.evaluate(BOT, POST, null, NOW), x.decision());
    assertEquals(DenyCode.EVALUATION_ERROR, x.decision().code()); // task.* is missing without a task
    // billing-only (other agent) and mail (other tool) are not selected; the expired rule is
    assertEquals(List.of("no-exfiltration", "old", "send"), x.rules().stream().map(Explanation.Rule::id).toList());
    Explanation.Rule forbid = x.rules().get(0);
    assertEquals(PolicyRule.Effect.FORBID, forbid.effect());
    assertEquals(Outcome.ERROR, forbid.outcome());
    assertFalse(forbid.matched());
    Explanation.Rule old = x.rules().get(1);
    assertTrue(old.expired());
    assertTrue(old.unconditional());
    assertEquals(Outcome.TRUE, old.outcome());
    assertFalse(old.matched());
    assertEquals(Optional.empty(), old.conditionTree());
    Explanation.Rule send = x.rules().get(2);
    assertEquals(Outcome.FALSE, send.outcome());
    assertFalse(send.matched());
  }

  @Test
  void theTreeMirrorsTheConditionWithEachNodesSourceText() {
    Explanation.Rule send = SET.explain(BOT, POST, null, NOW).rules().get(2);
    Condition root = send.conditionTree().orElseThrow();
    assertEquals(Kind.OR, root.kind());
    assertEquals("destination.host.endsWith('.acme.example') || (tool.risk < 'high' && !destination.external)", root.text());
    assertEquals(Outcome.FALSE, root.outcome());
    Condition ends = root.children().get(0);
    assertEquals(Kind.TEST, ends.kind());
    assertEquals("destination.host.endsWith('.acme.example')", ends.text());
    assertEquals(Outcome.FALSE, ends.outcome());
    Condition and = root.children().get(1);
    assertEquals(Kind.AND, and.kind());
    assertEquals("tool.risk < 'high' && !destination.external", and.text());
    assertEquals(Outcome.FALSE, and.outcome());
    assertEquals("tool.risk < 'high'", and.children().get(0).text());
    assertEquals(Outcome.FALSE, and.children().get(0).outcome());
    Condition not = and.children().get(1);
    assertEquals(Kind.NOT, not.kind());
    assertEquals("!destination.external", not.text());
    assertEquals(Outcome.FALSE, not.outcome()); // external = true: evaluated although && already failed
    assertEquals("destination.external", not.children().get(0).text());
    assertEquals(Outcome.TRUE, not.children().get(0).outcome());
  }

  @Test
  void errorsCarryTheirReasonAndNoValue() {
    ToolRequest secret = ToolRequest.builder("http.post").attribute("destination.url", "https://sk-live-77.example/")
        .attribute("destination.external", true).build();
    Explanation.Rule forbid = SET.explain(BOT, secret, null, NOW).rules().get(0);
    Condition root = forbid.conditionTree().orElseThrow();
    assertEquals(Kind.AND, root.kind());
    assertEquals(Outcome.ERROR, root.outcome());
    assertEquals(Optional.of("task.maxSensitivity is missing or null"), root.error());
    assertEquals(Outcome.TRUE, root.children().get(0).outcome());
    assertEquals(Optional.empty(), root.children().get(0).error());
    assertEquals(Optional.of("task.maxSensitivity is missing or null"), root.children().get(1).error());
    assertEquals(List.of("forbid no-exfiltration could not be evaluated: task.maxSensitivity is missing or null"),
        SET.explain(BOT, secret, null, NOW).decision().reasons());
    assertFalse(SET.explain(BOT, secret, null, NOW).toString().contains("sk-live-77"));
  }

  @Test
  void anAllowIsExplainedByTheMatchingPermit() {
    ToolRequest internal = ToolRequest.builder("http.post").attribute("destination.url", "https://status.acme.example/")
        .attribute("destination.external", false).build();
    Explanation x = SET.explain(BOT, internal, TestTask.basic(), NOW);
    assertTrue(x.decision().allowed());
    assertEquals(List.of("send"), x.decision().policies());
    assertTrue(x.rules().stream().filter(r -> r.id().equals("send")).findFirst().orElseThrow().matched());
  }

  @Test
  void rulesAreALintersReadOnlyView() {
    List<PolicyRule> rules = SET.rules();
    assertEquals(SET.ruleIds(), rules.stream().map(PolicyRule::id).toList());
    PolicyRule send = rules.get(0);
    assertEquals(List.of("http.post"), send.tools());
    assertEquals(List.of("spiffe://acme.example/agent/support-*"), send.agents());
    assertFalse(send.unconditional());
    PolicyRule old = rules.get(2);
    assertEquals(Optional.of(Instant.parse("2026-01-01T00:00:00Z")), old.expires());
    assertEquals(List.of(), old.agents());
    assertTrue(old.unconditional());
    assertThrows(UnsupportedOperationException.class, () -> rules.add(old));
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> SET.explain(null, POST, null, NOW));
    assertThrows(NullPointerException.class, () -> SET.explain(BOT, null, null, NOW));
  }
}
