package dev.agentguard.core.policy;

import static dev.agentguard.core.policy.Eval.E;
import static dev.agentguard.core.policy.Eval.F;
import static dev.agentguard.core.policy.Eval.NOW;
import static dev.agentguard.core.policy.Eval.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A non-finite number (NaN, +-Infinity) wherever a condition reads a number is an evaluation error,
 * never a quiet {@code false}: a forbid denies {@code EVALUATION_ERROR}, a permit does not match.
 */
// docs/security-cases.md #39, #8
class NonFiniteNumberTest {
  static final String FORBID_LARGE = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: no-large-payments",
      "    effect: forbid",
      "    tools: [\"payments.send\"]",
      "    when: resource.amount > 1000",
      "  - id: payments",
      "    effect: permit",
      "    tools: [\"payments.send\"]",
      "");

  static ToolRequest pay(Object amount) {
    return ToolRequest.builder("payments.send").attribute("resource.amount", amount).build();
  }

  @Test
  void nanDoesNotSlipPastAForbid() {
    Decision d = PolicySet.parse(FORBID_LARGE).evaluate(AgentIdentity.of("bot"), pay(Double.NaN), null, NOW);
    assertFalse(d.allowed());
    assertEquals(DenyCode.EVALUATION_ERROR, d.code());
    assertEquals(List.of("no-large-payments"), d.policies());
    assertEquals(List.of("forbid no-large-payments could not be evaluated: resource.amount is not a finite number"),
        d.reasons());
  }

  @Test
  void infinitiesAreErrorsNotHugeOrTinyNumbers() {
    PolicySet set = PolicySet.parse(FORBID_LARGE);
    for (double d : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      Decision dec = set.evaluate(AgentIdentity.of("bot"), pay(d), null, NOW);
      assertEquals(DenyCode.EVALUATION_ERROR, dec.code(), "amount " + d);
    }
    Decision floatNan = set.evaluate(AgentIdentity.of("bot"), pay(Float.NaN), null, NOW);
    assertEquals(DenyCode.EVALUATION_ERROR, floatNan.code());
  }

  static final ToolRequest REQ = ToolRequest.builder("x")
      .attribute("resource.nan", Double.NaN)
      .attribute("resource.inf", Double.POSITIVE_INFINITY)
      .attribute("resource.ninf", Double.NEGATIVE_INFINITY)
      .attribute("resource.one", 1L)
      .attribute("resource.list", List.of(1L, Double.NaN))
      .attribute("resource.inflist", List.of(Double.POSITIVE_INFINITY))
      .build();

  static String c(String when) {
    return Eval.cond(when, REQ, TestTask.basic(), NOW);
  }

  @Test
  void everyComparisonWithANonFiniteNumberIsAnError() {
    for (String v : List.of("resource.nan", "resource.inf", "resource.ninf")) {
      for (String op : List.of("==", "!=", "<", "<=", ">", ">=")) {
        assertEquals(E, c(v + " " + op + " 1"), v + " " + op + " 1");
        assertEquals(E, c("1 " + op + " " + v), "1 " + op + " " + v);
        assertEquals(E, c(v + " " + op + " " + v), v + " " + op + " " + v);
      }
      assertEquals(E, c(v + " in [1, 2.5]"), v + " in [...]");
      assertEquals(E, c(v + " in ['a']"), v + " in ['a']");
      assertEquals(E, c("!(" + v + " == 1)"), "!(" + v + " == 1)");
      assertEquals(E, c(v), v + " as a condition");
    }
  }

  @Test
  void aNonFiniteElementOfAListIsAnErrorUnlessAnotherElementMatches() {
    assertEquals(T, c("1 in resource.list")); // a true match decides alone (Kleene or)
    assertEquals(E, c("2 in resource.list"));
    assertEquals(E, c("resource.list.contains(2)"));
    assertEquals(E, c("1 in resource.inflist"));
    assertEquals(E, c("resource.inflist == [1]"));
  }

  @Test
  void nonFiniteAgentAndTaskContextValuesAreErrorsToo() {
    AgentIdentity agent = AgentIdentity.of("bot", Map.of("quota", Double.NaN));
    PolicySet set = PolicySet.parse("{\"version\":1,\"policies\":["
        + "{\"id\":\"f\",\"effect\":\"forbid\",\"tools\":[\"**\"],\"when\":\"agent.quota < 5 || context.limit > 3\"},"
        + "{\"id\":\"p\",\"effect\":\"permit\",\"tools\":[\"**\"]}]}");
    TestTask task = new TestTask("t", null, null, java.util.Set.of(), null, 0, dev.agentguard.Sensitivity.PUBLIC, 0L,
        Map.of("limit", Double.POSITIVE_INFINITY));
    assertEquals(DenyCode.EVALUATION_ERROR, set.evaluate(agent, ToolRequest.builder("x").build(), task, NOW).code());
    assertEquals(DenyCode.EVALUATION_ERROR,
        set.evaluate(AgentIdentity.of("bot", Map.of("quota", 9L)), ToolRequest.builder("x").build(), task, NOW).code());
  }

  @Test
  void finiteEdgeCasesKeepTheirDocumentedMeaning() {
    ToolRequest r = ToolRequest.builder("x").attribute("resource.negzero", -0.0).attribute("resource.max", Double.MAX_VALUE)
        .attribute("resource.big", Long.MAX_VALUE).build();
    assertEquals(T, Eval.cond("1 == 1.0", r));
    assertEquals(T, Eval.cond("resource.negzero == 0 && resource.negzero == 0.0 && !(resource.negzero < 0)", r));
    assertEquals(T, Eval.cond("resource.max > 9223372036854775807", r));
    assertEquals(T, Eval.cond("resource.big < resource.max", r));
    assertEquals(F, Eval.cond("resource.big == 9223372036854775806.0", r));
  }
}
