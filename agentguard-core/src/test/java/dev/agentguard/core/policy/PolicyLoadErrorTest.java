package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoadErrorTest {

  /**
   * Parses {@code doc}, which must fail. The bound catches a parser that hangs or is quadratic on
   * these inputs (on the megabyte ones that would take hours); 5 seconds was seen to fail on a loaded
   * 2-core machine where the same parse takes well under a second alone.
   */
  static PolicyException fails(String doc) {
    return assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(PolicyException.class, () -> PolicySet.parse(doc, "test.yaml")));
  }

  static void at(PolicyException e, int line, int column) {
    assertEquals("test.yaml", e.source(), e::getMessage);
    assertEquals(line, e.line(), e::getMessage);
    assertEquals(column, e.column(), e::getMessage);
  }

  static final String HEAD = "version: 1\npolicies:\n";

  @Test
  void unknownTopLevelField() {
    PolicyException e = fails("version: 1\npolicies: []\nextra: 1\n");
    at(e, 3, 1);
    assertEquals("extra", e.value());
    assertTrue(e.problem().contains("expected one of version, policies, limits"), e.getMessage());
  }

  @Test
  void unknownRuleField() {
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    efect: forbid\n");
    at(e, 6, 5);
    assertEquals("efect", e.value());
  }

  @Test
  void duplicateKeys() {
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    effect: forbid\n    tools: [x]\n");
    assertEquals(5, e.line(), e.getMessage());
    assertTrue(e.getMessage().toLowerCase().contains("duplicate"), e.getMessage());
    PolicyException j = fails("{\"version\":1,\"policies\":[],\"policies\":[]}");
    assertEquals(1, j.line());
    assertTrue(j.getMessage().toLowerCase().contains("duplicate"), j.getMessage());
  }

  @Test
  void duplicateRuleIds() {
    PolicyException e = fails(HEAD + "  - {id: a, effect: permit, tools: [x]}\n  - {id: a, effect: forbid, tools: [y]}\n");
    at(e, 4, 10);
    assertEquals("a", e.value());
    assertTrue(e.problem().contains("duplicate rule id"));
  }

  @Test
  void yamlBooleansAndPaddedEffectAreNotCoerced() {
    for (String bad : new String[] {"no", "on", "yes", "off", "true", "\"Permit \"", "Permit", "\"permit \"", "1"}) {
      PolicyException e = fails(HEAD + "  - id: a\n    effect: " + bad + "\n    tools: [x]\n");
      at(e, 4, 13);
      assertTrue(e.problem().contains("effect"), e.getMessage());
    }
  }

  @Test
  void yamlBooleansAndNumbersAreNotTurnedIntoStrings() {
    for (String bad : new String[] {"no", "on", "yes", "off", "True", "0x1F", "1_000", ".inf", "~"}) {
      PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    description: " + bad + "\n");
      at(e, 6, 18);
      assertTrue(e.problem().startsWith("'description' must be a string"), e.getMessage());
    }
    // quoted, the same text is a string
    assertEquals(List.of("a"), PolicySet.parse(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    description: 'no'\n")
        .ruleIds());
  }

  @Test
  void wrongTypes() {
    at(fails(HEAD + "  - id: 123\n    effect: permit\n    tools: [x]\n"), 3, 9);
    at(fails(HEAD + "  - id: a\n    effect: permit\n    tools: x\n"), 5, 12);
    at(fails(HEAD + "  - id: a\n    effect: permit\n    tools: [1]\n"), 5, 13);
    at(fails(HEAD + "  - id: a\n    effect: permit\n    tools: []\n"), 5, 12);
    at(fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    agents: []\n"), 6, 13);
    at(fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    when: true\n"), 6, 11);
    at(fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    description: ~\n"), 6, 18);
    at(fails("version: 1\npolicies: {}\n"), 2, 11);
    at(fails("version: 1\npolicies:\n  - just-a-string\n"), 3, 5);
    at(fails("- a\n- b\n"), 1, 1);
  }

  @Test
  void missingRequiredFields() {
    assertTrue(fails("version: 1\n").problem().contains("'policies'"));
    assertTrue(fails("policies: []\n").problem().contains("'version'"));
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n");
    at(e, 3, 5);
    assertTrue(e.problem().contains("'tools'"));
    assertTrue(fails(HEAD + "  - effect: permit\n    tools: [x]\n").problem().contains("'id'"));
    assertTrue(fails(HEAD + "  - id: a\n    tools: [x]\n").problem().contains("'effect'"));
  }

  @Test
  void versionMustBeOne() {
    at(fails("version: 2\npolicies: []\n"), 1, 10);
    at(fails("version: \"1\"\npolicies: []\n"), 1, 10);
    at(fails("version: 1.0\npolicies: []\n"), 1, 10);
    fails("{\"version\": 1.0, \"policies\": []}");
  }

  @Test
  void badIds() {
    fails(HEAD + "  - {id: 'a b', effect: permit, tools: [x]}\n");
    fails(HEAD + "  - {id: '', effect: permit, tools: [x]}\n");
    fails(HEAD + "  - {id: '" + "x".repeat(129) + "', effect: permit, tools: [x]}\n");
  }

  @Test
  void malformedGlobs() {
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [\"a***\"]\n");
    at(e, 5, 13);
    assertEquals("a***", e.value());
    fails(HEAD + "  - id: a\n    effect: permit\n    tools: [\"\"]\n");
    fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    agents: [\"***\"]\n");
  }

  @Test
  void badExpires() {
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    expires: tomorrow\n");
    at(e, 6, 14);
    assertTrue(e.problem().contains("ISO-8601"));
  }

  @Test
  void whenErrorsReportTheColumnInsideTheDocument() {
    // "    when: context.x == 'a' && && true" -> the second && is at offset 20 of the expression
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    when: context.x == 'a' && && true\n");
    assertEquals(6, e.line());
    assertEquals(11 + 20, e.column(), e.getMessage());
    assertEquals("&&", e.value());
    PolicyException q = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    when: \"foo.bar == 1\"\n");
    assertEquals(6, q.line());
    assertEquals(12, q.column(), q.getMessage());
    assertTrue(q.problem().contains("unknown attribute root 'foo'"), q.getMessage());
    // block scalar: at least the line of the when value
    PolicyException b = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    when: |\n      tool.name ==\n");
    assertTrue(b.line() >= 6, b.getMessage());
  }

  @Test
  void whenCompileErrors() {
    String[] bad = {
      "", "tool.name ==", "tool.nme == 'x'", "agent", "resource", "task.foo == 1", "time.minute == 1",
      "tool.risk == 'extreme'", "resource.sensitivity <= 'secret'", "resource.sensitivity in ['public', 'secret']",
      "tool.name.matches('a***')", "tool.name.matches(tool.action)", "tool.name.frobnicate('x')",
      "tool.name.startsWith('a', 'b')", "x = 1", "a & b", "'unterminated", "'bad \\q escape'",
      "99999999999999999999 == 1", "1e999 == 1.0", "tool.name", "'x'", "1", "(true", "[1, 2", "true false",
      "resource.x in 'abc'", "[context.x] == 1", "tool.name == 'a' ==", "1abc == 1", "#", "in == 1",
      "!".repeat(100) + "true", "(".repeat(100) + "true" + ")".repeat(100), "x".repeat(5000)
    };
    for (String w : bad) {
      PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    when: '" + w.replace("'", "''") + "'\n");
      assertEquals(6, e.line(), w);
      assertTrue(e.problem().startsWith("invalid 'when' condition"), e.getMessage());
    }
  }

  @Test
  void limitErrors() {
    String base = "version: 1\npolicies: []\nlimits:\n";
    at(fails(base + "  - id: l\n    tools: [x]\n"), 4, 5);
    at(fails(base + "  - id: l\n    tools: [x]\n    maxCallsPerTask: 0\n"), 6, 22);
    at(fails(base + "  - id: l\n    tools: [x]\n    maxCallsPerTask: 1.5\n"), 6, 22);
    at(fails(base + "  - id: l\n    tools: [x]\n    maxCallsPerTask: '3'\n"), 6, 22);
    at(fails(base + "  - id: l\n    tools: [x]\n    maxCallsPerMinute: 99999999999999999999\n"), 6, 24);
    at(fails(base + "  - id: l\n    tools: [x]\n    maxCallsPerTask: 3\n    perDay: 3\n"), 7, 5);
    fails(base + "  - {id: l, tools: [x], maxCallsPerTask: 1}\n  - {id: l, tools: [y], maxCallsPerTask: 1}\n");
    fails(base + "  - {id: l, maxCallsPerTask: 1}\n");
  }

  @Test
  void anchorsAliasesAndTagsAreRejected() {
    PolicyException e = fails(HEAD + "  - &r {id: a, effect: permit, tools: [x]}\n  - *r\n");
    assertEquals(3, e.line());
    assertTrue(e.problem().contains("anchors and aliases"));
    fails(HEAD + "  - id: !!str a\n    effect: permit\n    tools: [x]\n");
  }

  @Test
  void aliasBombFailsFast() {
    StringBuilder sb = new StringBuilder("version: 1\nx0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int i = 1; i < 10; i++) {
      sb.append("x").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        sb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
      }
      sb.append("]\n");
    }
    sb.append("policies: []\n");
    PolicyException e = fails(sb.toString());
    assertNotNull(e.getMessage());
  }

  @Test
  void deepNestingFailsFast() {
    fails("version: 1\npolicies: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
    fails("{\"version\": 1, \"policies\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}");
    fails("version: 1\npolicies:\n" + "- ".repeat(10_000) + "x\n");
    PolicyException e = fails("version: 1\npolicies: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
    assertTrue(e.getMessage().contains("nested") || e.getMessage().toLowerCase().contains("depth"), e.getMessage());
  }

  @Test
  void megabyteLiteralFailsFast() {
    PolicyException e = fails(HEAD + "  - id: a\n    effect: permit\n    tools: [x]\n    description: \"" + "x".repeat(1 << 20) + "\"\n");
    assertEquals(6, e.line());
    fails("{\"version\":1,\"policies\":[{\"id\":\"" + "x".repeat(1 << 20) + "\"}]}");
    fails("version: 1\npolicies: []\n# " + "x".repeat(5 << 20) + "\n");
  }

  @Test
  void syntaxErrorsCarryLocations() {
    PolicyException e = fails("{\"version\": 1,\n \"policies\": [}\n");
    assertEquals(2, e.line());
    assertTrue(e.column() > 0);
    PolicyException y = fails("version: 1\npolicies:\n  - id: a\n   bad: [\n");
    assertTrue(y.line() >= 3, y.getMessage());
    fails("");
    fails("   \n");
    fails("version: 1\npolicies: []\n---\nversion: 1\npolicies: []\n");
    fails("{\"version\":1,\"policies\":[]} trailing");
  }

  @Test
  void loadReportsIoErrorsAsPolicyException(@TempDir Path dir) throws Exception {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicySet.load(dir.resolve("missing.yaml")));
    assertEquals(dir.resolve("missing.yaml").toString(), e.source());
    Path bad = dir.resolve("bad.yaml");
    Files.write(bad, new byte[] {'v', (byte) 0xff, (byte) 0xfe});
    assertThrows(PolicyException.class, () -> PolicySet.load(bad));
    Path ok = dir.resolve("ok.yaml");
    Files.writeString(ok, "version: 1\npolicies: []\n");
    assertEquals(ok.toString(), PolicySet.load(ok).source());
  }

  @Test
  void tooManyRules() {
    StringBuilder sb = new StringBuilder("version: 1\npolicies: [");
    for (int i = 0; i <= 100_000; i++) {
      sb.append(i == 0 ? "" : ",").append("{id: ").append(Integer.toString(i, 36)).append(",effect: permit,tools: [t]}");
    }
    sb.append("]\n");
    // a 3.7 MB document: the hang guard is wider than elsewhere because the build machine is shared
    PolicyException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(PolicyException.class, () -> PolicySet.parse(sb.toString(), "test.yaml")));
    assertTrue(e.problem().contains("100000"), e.getMessage());
  }
}
