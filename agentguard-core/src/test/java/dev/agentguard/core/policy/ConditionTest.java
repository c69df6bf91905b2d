package dev.agentguard.core.policy;

import static dev.agentguard.core.policy.Eval.E;
import static dev.agentguard.core.policy.Eval.F;
import static dev.agentguard.core.policy.Eval.NOW;
import static dev.agentguard.core.policy.Eval.T;
import static dev.agentguard.core.policy.Eval.cond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConditionTest {
  static final ToolRequest REQ = ToolRequest.builder("http.post").action("send").risk(Risk.HIGH)
      .sensitivity(Sensitivity.INTERNAL)
      .attribute("destination.url", "https://api.partner.example:8443/upload")
      .attribute("destination.external", true)
      .attribute("resource.id", "T-1")
      .attribute("resource.owner", "x && true")
      .attribute("resource.count", 5L)
      .attribute("resource.ratio", 0.5)
      .attribute("resource.nan", Double.NaN)
      .attribute("resource.negzero", -0.0)
      .attribute("resource.big", Long.MAX_VALUE)
      .attribute("resource.tags", List.of("a", "b", 1L))
      .attribute("resource.level", "confidential")
      .attribute("context.environment", "prod")
      .build();

  static String c(String when) {
    return cond(when, REQ, TestTask.basic(), NOW);
  }

  @Test
  void kleeneAnd() {
    assertEquals(T, c("true && true"));
    assertEquals(F, c("true && false"));
    assertEquals(F, c("false && resource.missing"));
    assertEquals(F, c("resource.missing && false"));
    assertEquals(E, c("true && resource.missing"));
    assertEquals(E, c("resource.missing && true"));
    assertEquals(E, c("resource.missing && resource.missing2"));
  }

  @Test
  void kleeneOr() {
    assertEquals(T, c("false || true"));
    assertEquals(F, c("false || false"));
    assertEquals(T, c("true || resource.missing"));
    assertEquals(T, c("resource.missing || true"));
    assertEquals(E, c("false || resource.missing"));
    assertEquals(E, c("resource.missing || false"));
  }

  @Test
  void not() {
    assertEquals(F, c("!true"));
    assertEquals(T, c("!false"));
    assertEquals(E, c("!resource.missing"));
    assertEquals(T, c("!!true"));
    assertEquals(T, c("!(resource.id == 'T-2')"));
  }

  @Test
  void precedence() {
    assertEquals(T, c("true || false && false"));
    assertEquals(F, c("(true || false) && false"));
    assertEquals(T, c("!false && true"));
  }

  @Test
  void inALongListOfStringsDecidesAsInAShortOne() {
    // docs/security-cases.md #99
    String many = "['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a9', ";
    assertEquals(T, c("resource.id in " + many + "'T-1']"));
    assertEquals(F, c("resource.id in " + many + "'T-2']"));
    assertEquals(T, c("context.environment in ['dev', 'prod']"));
    assertEquals(F, c("context.environment in ['dev', 'staging']"));
    // a value of another type is not a quiet false: a number against strings is an error
    assertEquals(E, c("resource.count in " + many + "'T-1']"));
    assertEquals(E, c("resource.count in ['5', 'T-1']"));
    assertEquals(E, c("resource.missing in " + many + "'T-1']"));
    assertEquals(E, c("resource.nan in ['x']"));
  }

  @Test
  void stringComparisons() {
    assertEquals(T, c("resource.id == 'T-1'"));
    assertEquals(T, c("resource.id == \"T-1\""));
    assertEquals(F, c("resource.id != 'T-1'"));
    assertEquals(T, c("'T-1' == resource.id"));
    assertEquals(E, c("resource.id < 'T-2'"));
    assertEquals(E, c("resource.id == 1"));
    assertEquals(T, c("'it\\'s' == \"it's\""));
    assertEquals(T, c("'\\u0041\\n' == 'A\\n'"));
  }

  @Test
  void literalsThatLookLikeSyntaxStayData() {
    assertEquals(T, c("resource.owner == 'x && true'"));
    assertEquals(F, c("resource.owner == 'x'"));
    assertEquals(E, c("resource.owner")); // a string is not a boolean, never evaluated as code
    assertEquals(F, c("resource.owner.contains('||')"));
    assertEquals(T, c("resource.owner.contains('&&')"));
  }

  @Test
  void numbers() {
    assertEquals(T, c("1 == 1.0"));
    assertEquals(T, c("resource.count == 5.0"));
    assertEquals(T, c("resource.count > 4.5"));
    assertEquals(T, c("resource.count >= 5"));
    assertEquals(F, c("resource.count < 5"));
    assertEquals(T, c("resource.ratio < 1"));
    assertEquals(T, c("resource.negzero == 0"));
    assertEquals(T, c("resource.negzero == 0.0"));
    assertEquals(F, c("resource.negzero < 0"));
    // NaN is an evaluation error in every comparison (issue 11 item 4), no longer a quiet false;
    // NonFiniteNumberTest covers infinities, lists and every operator
    assertEquals(E, c("resource.nan == resource.nan"));
    assertEquals(E, c("resource.nan != resource.nan"));
    assertEquals(E, c("resource.nan < 1"));
    assertEquals(E, c("resource.nan >= 1"));
    assertEquals(E, c("resource.nan == 1"));
    assertEquals(T, c("resource.big == 9223372036854775807"));
    assertEquals(F, c("resource.big == 9223372036854775806.0"));  // double rounds to 2^63, long is exact
    assertEquals(T, c("resource.big < 9223372036854775807.0"));
    assertEquals(T, c("-9223372036854775808 < -9223372036854775807"));
    assertEquals(T, c("9007199254740993 > 9007199254740992.0"));
    assertEquals(E, c("resource.count == '5'"));
    assertEquals(E, c("resource.count < true"));
  }

  @Test
  void sensitivityAndRiskCompareByRank() {
    assertEquals(T, c("resource.sensitivity <= 'internal'"));
    assertEquals(T, c("resource.sensitivity == 'internal'"));
    assertEquals(T, c("'internal' >= resource.sensitivity"));
    assertEquals(F, c("resource.sensitivity >= 'confidential'"));
    assertEquals(T, c("tool.risk >= 'high'"));
    assertEquals(T, c("tool.risk < 'critical'"));
    assertEquals(F, c("tool.risk == 'low'"));
    assertEquals(T, c("task.maxSensitivity >= 'confidential'"));
    assertEquals(T, c("task.maxSensitivity > resource.sensitivity"));
    // a string attribute compared with a sensitivity is parsed by wire name at run time
    assertEquals(T, c("task.maxSensitivity == resource.level"));
    assertEquals(E, c("tool.risk == resource.level"));
    assertEquals(E, c("tool.risk < tool.sensitivity"));
    assertEquals(T, c("resource.sensitivity in ['public', 'internal']"));
    assertEquals(F, c("tool.risk in ['low', 'medium']"));
  }

  @Test
  void inLists() {
    assertEquals(T, c("resource.id in ['T-0', 'T-1']"));
    assertEquals(F, c("resource.id in ['T-0']"));
    assertEquals(F, c("resource.id in []"));
    assertEquals(E, c("resource.missing in ['a']"));
    assertEquals(T, c("resource.count in [1, 5.0]"));
    assertEquals(E, c("resource.count in ['a']"));
    assertEquals(T, c("resource.id in ['T-1', 1]")); // a true match wins over an element type error
    assertEquals(T, c("'a' in resource.tags"));
    assertEquals(E, c("'c' in resource.tags"));      // no match, and the number element cannot be compared
    assertEquals(T, c("'tickets.read' in task.tools"));
    assertEquals(F, c("'email.send' in task.tools"));
    assertEquals(E, c("'x' in resource.id"));
  }

  @Test
  void methods() {
    assertEquals(T, c("destination.host.endsWith('.partner.example')"));
    assertEquals(T, c("destination.url.startsWith('https://')"));
    assertEquals(F, c("destination.host.startsWith('evil')"));
    assertEquals(T, c("destination.host.contains('partner')"));
    assertEquals(T, c("resource.tags.contains('b')"));
    assertEquals(T, c("destination.host.matches('*.partner.example')"));
    assertEquals(F, c("destination.host.matches('*.example')"));
    assertEquals(T, c("destination.host.matches('**.example')"));
    assertEquals(E, c("resource.count.startsWith('5')"));
    assertEquals(E, c("resource.missing.matches('*')"));
    assertEquals(E, c("resource.id.contains(5)"));
    assertEquals(T, c("!resource.id.endsWith('2')"));
  }

  @Test
  void conditionsAsValues() {
    assertEquals(T, c("(resource.id == 'T-1') == true"));
    assertEquals(E, c("(resource.missing == 'x') == true"));
  }

  @Test
  void destinationAttributesDeriveFromTheUrl() {
    assertEquals(T, c("destination.scheme == 'https' && destination.port == 8443 && destination.host == 'api.partner.example'"));
    assertEquals(T, c("destination.external"));
    assertEquals(E, c("destination.external", ToolRequest.builder("x").build()));
  }

  static String c(String when, ToolRequest r) {
    return cond(when, r, TestTask.basic(), NOW);
  }

  @Test
  void agentAndToolRoots() {
    assertEquals(T, c("agent.id == 'spiffe://acme.example/agent/support-bot'"));
    assertEquals(T, c("agent.team == 'support' && agent.level >= 3"));
    assertEquals(E, c("agent.region == 'eu'"));
    assertEquals(T, c("tool.name == 'http.post' && tool.action == 'send'"));
    assertEquals(T, c("tool.sensitivity == 'internal'"));
  }

  @Test
  void resourceSensitivityDefaultsToTheToolsAndCanBeOverridden() {
    ToolRequest over = REQ.toBuilder().attribute("resource.sensitivity", "restricted").build();
    assertEquals(T, c("resource.sensitivity == 'restricted' && tool.sensitivity == 'internal'", over));
  }

  @Test
  void taskAttributes() {
    assertEquals(T, c("task.id == 't-1' && task.purpose == 'triage T-1' && task.onBehalfOf == 'user:alice'"));
    assertEquals(T, c("task.lastTool == 'tickets.read' && task.calls == 3"));
    // NOW - 1_000_000 ms
    long age = (NOW - 1_000_000L) / 1000;
    assertEquals(T, c("task.ageSeconds == " + age));
    assertEquals(E, cond("task.calls == 3", REQ, null, NOW));
    assertEquals(E, cond("task.id == 't-1'", REQ, null, NOW));
    TestTask ancient = new TestTask("t", null, null, Set.of(), null, 0, Sensitivity.PUBLIC, Long.MIN_VALUE, Map.of());
    assertEquals(E, cond("task.ageSeconds > 0", REQ, ancient, Long.MAX_VALUE)); // overflow is an error, never wraps
    assertEquals(E, cond("task.purpose == 'x'", REQ, ancient, NOW)); // null -> error
    assertEquals(F, cond("'x' in task.tools", REQ, ancient, NOW));
  }

  @Test
  void contextPrefersTheRequestThenTheTask() {
    assertEquals(T, c("context.environment == 'prod'"));
    ToolRequest staging = ToolRequest.builder("x").attribute("context.environment", "staging").build();
    assertEquals(T, cond("context.environment == 'staging'", staging, TestTask.basic(), NOW));
    ToolRequest none = ToolRequest.builder("x").build();
    assertEquals(T, cond("context.environment == 'prod' && context.tier == 2", none, TestTask.basic(), NOW));
    assertEquals(E, cond("context.environment == 'prod'", none, null, NOW));
    assertEquals(E, cond("context.region == 'eu'", none, TestTask.basic(), NOW));
  }

  @Test
  void timeAttributesAreUtc() {
    // 2026-01-01T00:00:00Z is a Thursday
    assertEquals(T, c("time.hour == 0 && time.dayOfWeek == 4"));
    long mon1430 = NOW + 4 * 86_400_000L + 14 * 3_600_000L + 30 * 60_000L;
    assertEquals(T, cond("time.hour == 14 && time.dayOfWeek == 1", REQ, null, mon1430));
    assertEquals(T, cond("time.dayOfWeek == 7", REQ, null, NOW + 3 * 86_400_000L));
    assertEquals(T, cond("time.hour == 23 && time.dayOfWeek == 3", REQ, null, -1L)); // 1969-12-31T23:59:59.999Z, a Wednesday
  }

  @Test
  void errorReasonsNameTheRuleAndTheCause() {
    Decision d = Eval.permitWhen("resource.missing == 'x'").evaluate(Eval.AGENT, REQ, null, NOW);
    assertEquals(DenyCode.NO_MATCHING_PERMIT, d.code());
    assertEquals(List.of("no permit rule matched", "permit p could not be evaluated: resource.missing is missing or null"),
        d.reasons());
    Decision m = Eval.permitWhen("resource.id < 5").evaluate(Eval.AGENT, REQ, null, NOW);
    assertTrue(m.reasons().get(1).contains("cannot compare resource.id (a string) < 5 (a number)"), m.reasons().toString());
  }
}
