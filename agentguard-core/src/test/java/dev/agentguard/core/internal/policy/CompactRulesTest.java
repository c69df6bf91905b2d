package dev.agentguard.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.AgentIdentity;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicyRule;
import dev.agentguard.core.PolicySet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compact compiled form: what rules repeat is shared, not copied, and the views that used to
 * be kept per rule ({@code rules()}, {@code ruleIds()}, the canonical document) read the same.
 */
class CompactRulesTest {
  private static final String DOC = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: b-read",
      "    effect: permit",
      "    agents: [\"agent-1\"]",
      "    tools: [\"tickets.read\", \"tickets.list\"]",
      "    when: \"context.environment == 'prod'\"",
      "  - id: a-read",
      "    effect: permit",
      "    agents: [\"agent-2\"]",
      "    tools: [\"tickets.read\", \"tickets.list\"]",
      "    when: \"context.environment == 'prod'\"",
      "  - id: c-all",
      "    effect: permit",
      "    agents: [\"agent-1\"]",
      "    tools: [\"tickets.*\"]",
      "    description: \"everything on tickets\"",
      "    expires: \"2030-01-01T00:00:00Z\"",
      "  - id: d-forbid",
      "    effect: forbid",
      "    tools: [\"tickets.list\"]",
      "    when: \"context.environment != 'prod'\"",
      "");

  private static List<Rule> rules(String doc) {
    return DocumentReader.read(doc, "test").rules;
  }

  @Test
  void rulesNamingTheSamePatternsShareOneListAndOneGlobArray() {
    List<Rule> rs = rules(DOC);
    assertSame(rs.get(0).tools, rs.get(1).tools);
    assertSame(rs.get(0).tools.globs, rs.get(1).tools.globs);
    assertSame(rs.get(0).agents, rs.get(2).agents);
    assertSame(rs.get(0).agents.globs, rs.get(2).agents.globs);
    assertNotSame(rs.get(0).agents, rs.get(1).agents);
    assertSame(rs.get(0).tools.globs[0], rs.get(1).tools.globs[0]);
    assertEquals(List.of("tickets.read", "tickets.list"), rs.get(0).tools);
  }

  @Test
  void rulesWithTheSameConditionShareItsTextAndItsTree() {
    List<Rule> rs = rules(DOC);
    assertSame(rs.get(0).when, rs.get(1).when);
    assertSame(rs.get(0).cond, rs.get(1).cond);
  }

  @Test
  void sharedPatternListsAreUnmodifiable() {
    List<String> tools = rules(DOC).get(0).tools;
    assertThrows(UnsupportedOperationException.class, () -> tools.set(0, "admin.delete"));
    assertThrows(UnsupportedOperationException.class, () -> tools.add("admin.delete"));
    assertThrows(UnsupportedOperationException.class, () -> tools.remove(0));
  }

  @Test
  void rulesAndRuleIdsReadInDocumentOrderAndAreUnmodifiable() {
    PolicySet set = PolicySet.parse(DOC, "test");
    assertEquals(List.of("b-read", "a-read", "c-all", "d-forbid"), set.ruleIds());
    PolicyRule c = set.rules().get(2);
    assertEquals("c-all", c.id());
    assertEquals(List.of("tickets.*"), c.tools());
    assertEquals(List.of("agent-1"), c.agents());
    assertEquals("everything on tickets", c.description().orElseThrow());
    assertEquals(c, set.rules().get(2));
    assertThrows(UnsupportedOperationException.class, () -> set.rules().remove(0));
    assertThrows(UnsupportedOperationException.class, () -> set.ruleIds().add("x"));
  }

  @Test
  void theCanonicalDocumentIsStableAndReparsesToTheSameVersion() {
    PolicySet set = PolicySet.parse(DOC, "test");
    String canonical = set.canonicalDocument();
    assertEquals(canonical, set.canonicalDocument());
    assertEquals(CanonicalForm.version(canonical), set.version());
    PolicySet again = PolicySet.parse(canonical, "canonical");
    assertEquals(set.version(), again.version());
    assertEquals(canonical, again.canonicalDocument());
  }

  @Test
  void sharedConditionsStillDecidePerRequest() {
    PolicySet set = PolicySet.parse(DOC, "test");
    ToolRequest prod = ToolRequest.builder("tickets.list").attribute("context.environment", "prod").build();
    ToolRequest dev = ToolRequest.builder("tickets.list").attribute("context.environment", "dev").build();
    assertEquals(List.of("a-read"), set.evaluate(AgentIdentity.of("agent-2"), prod).policies());
    assertEquals(List.of("d-forbid"), set.evaluate(AgentIdentity.of("agent-2"), dev).policies());
  }
}
