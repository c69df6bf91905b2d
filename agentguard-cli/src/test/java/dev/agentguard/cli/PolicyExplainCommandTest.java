package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyExplainCommandTest {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-notify",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"http.post\"]",
      "  - id: no-exfiltration",
      "    effect: forbid",
      "    tools: [\"http.*\"]",
      "    when: destination.external && task.maxSensitivity >= 'confidential'",
      "  - id: other-tools",
      "    effect: permit",
      "    tools: [\"tickets.read\"]",
      "");

  @TempDir
  Path dir;

  private Path policy() throws IOException {
    return Files.writeString(dir.resolve("p.yaml"), POLICY);
  }

  @Test
  void explainsADenialRuleByRuleAndConditionByCondition() throws IOException {
    Cli.Result r = Cli.run("policy", "explain", policy(), "--agent", "spiffe://acme.example/agent/support-bot",
        "--tool", "http.post", "--attr", "destination.external=true", "--max-sensitivity", "confidential");
    assertEquals(Main.OK, r.code(), r::toString);
    assertTrue(r.out().startsWith("DENY FORBIDDEN by no-exfiltration"), r::toString);
    assertTrue(r.out().contains("rule no-exfiltration  forbid  MATCHED"), r::toString);
    assertTrue(r.out().contains("    TRUE  destination.external\n"), r::toString);
    assertTrue(r.out().contains("    TRUE  task.maxSensitivity >= 'confidential'\n"), r::toString);
    assertTrue(r.out().contains("rule support-notify  permit  MATCHED"), r::toString);
    assertTrue(!r.out().contains("other-tools"), "rules whose tools do not match are not listed");
    assertEquals(Main.BAD, Cli.run("policy", "explain", policy(), "--agent", "spiffe://acme.example/agent/support-bot",
        "--tool", "http.post", "--attr", "destination.external=true", "--max-sensitivity", "confidential",
        "--fail-on-deny").code());
  }

  @Test
  void showsErrorsWithoutTaskStateAndParsesBackAsJson() throws IOException {
    JsonNode doc = Cli.run("policy", "explain", "--json", policy(), "--agent", "spiffe://acme.example/agent/support-bot",
        "--tool", "http.post", "--attr", "destination.external=true").json();
    // without task state task.maxSensitivity is missing: the forbid errors, and a forbid that errors denies
    assertEquals("DENY", doc.get("decision").asText());
    assertEquals("EVALUATION_ERROR", doc.get("code").asText());
    JsonNode forbid = null;
    for (JsonNode rule : doc.get("rules")) {
      if (rule.get("id").asText().equals("no-exfiltration")) {
        forbid = rule;
      }
    }
    assertEquals("ERROR", forbid.get("outcome").asText(), doc::toString);
    JsonNode and = forbid.get("condition");
    assertEquals("AND", and.get("kind").asText());
    assertEquals("TRUE", and.get("children").get(0).get("outcome").asText());
    assertEquals("ERROR", and.get("children").get(1).get("outcome").asText());
    assertTrue(!and.get("children").get(1).get("error").isNull(), "the error says why");
  }

  @Test
  void attributeValuesAreJsonWhenTheyParseElseText() {
    assertEquals(Boolean.TRUE, PolicyExplainCommand.value("true"));
    assertEquals(42L, PolicyExplainCommand.value("42"));
    assertEquals("007", PolicyExplainCommand.value("\"007\""));
    assertEquals("hooks.partner.example", PolicyExplainCommand.value("hooks.partner.example"));
    assertEquals("42abc", PolicyExplainCommand.value("42abc"), "a number with trailing text is text");
    assertEquals("T-1", PolicyExplainCommand.value("T-1"));
    assertEquals(java.util.List.of("a", "b"), PolicyExplainCommand.value("[\"a\",\"b\"]"));
    assertEquals("{\"a\":1}", PolicyExplainCommand.value("{\"a\":1}"), "objects are not attribute values: text");
  }

  @Test
  void aBadToolNameIsAUsageError() throws IOException {
    Cli.Result r = Cli.run("policy", "explain", policy(), "--agent", "a", "--tool", "bad tool!");
    assertEquals(Main.USAGE, r.code(), r::toString);
    assertTrue(!r.err().contains("\tat "), r::toString);
  }
}
