package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandsTest {
  @TempDir
  Path dir;

  private Path write(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  private static List<String> kinds(JsonNode lint) {
    List<String> out = new ArrayList<>();
    lint.get("files").get(0).get("warnings").forEach(w -> out.add(w.get("kind").asText() + ":" + w.get("rule").asText()));
    return out;
  }

  @Test
  void versionPrintsTheSameHashTheLibraryAndTheTrailUse() throws IOException {
    Path yaml = write("p.yaml", Trails.POLICY);
    Path json = write("p.json", PolicySet.load(yaml).canonicalDocument());
    Cli.Result r = Cli.run("policy", "version", yaml, json);
    assertEquals(Main.OK, r.code(), r::toString);
    String v = PolicySet.load(yaml).version();
    assertEquals(v + "  " + yaml + "\n" + v + "  " + json + "\n", r.out());
    JsonNode parsed = Cli.run("policy", "version", "--json", yaml).json();
    assertEquals(v, parsed.get(0).get("version").asText());
  }

  @Test
  void lintReportsLoadErrorsWithFileLineAndColumn() throws IOException {
    Path bad = write("bad.yaml", "version: 1", "policies:", "  - id: a", "    effect: permit", "    tools: [\"x\"]",
        "    colour: blue");
    Cli.Result r = Cli.run("policy", "lint", bad);
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.out().startsWith(bad + ":6:"), r::toString);
    JsonNode json = Cli.run("policy", "lint", "--json", bad).json();
    assertFalse(json.get("ok").asBoolean());
    assertEquals(6, json.get("files").get(0).get("error").get("line").asInt());
  }

  @Test
  void lintWarnsAboutExpiredAndShadowedRules() throws IOException {
    Path p = write("p.yaml", "version: 1", "policies:",
        "  - id: old-read", "    effect: permit", "    tools: [\"orders.read\"]", "    expires: 2020-01-01T00:00:00Z",
        "  - id: mail", "    effect: permit", "    agents: [\"spiffe://shop.test/agent/clerk\"]",
        "    tools: [\"email.send\", \"email.draft\"]",
        "  - id: no-email", "    effect: forbid", "    tools: [\"email.*\"]",
        "  - id: notes", "    effect: permit", "    tools: [\"notes.write\"]",
        "  - id: no-notes-when", "    effect: forbid", "    tools: [\"notes.*\"]", "    when: tool.risk >= 'high'");
    JsonNode json = Cli.run("policy", "lint", "--json", p, "--now", "2026-06-01T00:00:00Z").json();
    assertEquals(List.of("shadowed:mail", "expired:old-read"), kinds(json), json::toString);
    assertTrue(json.get("ok").asBoolean(), "warnings alone pass");
    assertEquals(Main.BAD, Cli.run("policy", "lint", "--fail-on-warning", p).code());
  }

  @Test
  void lintAcceptsRolloutRulesAndAShadowForbidShadowsNothing() throws IOException {
    Path p = write("p.yaml", "version: 1", "policies:",
        "  - id: mail", "    effect: permit", "    tools: [\"email.send\"]",
        "  - id: no-email-trial", "    effect: forbid", "    tools: [\"email.*\"]", "    mode: shadow",
        "  - id: refund", "    effect: permit", "    tools: [\"orders.refund\"]", "    approval: required",
        "  - id: enforce-explicit", "    effect: permit", "    tools: [\"notes.write\"]", "    mode: enforce",
        "    approval: none");
    Cli.Result r = Cli.run("policy", "lint", p);
    assertEquals(Main.OK, r.code(), r::toString);
    assertTrue(r.out().contains("0 error(s), 0 warning(s)"), r::toString);
    assertEquals(List.of(), kinds(Cli.run("policy", "lint", "--json", p).json()));
  }

  @Test
  void lintWarnsWhenAnApprovalPermitTakesOverAPlainPermit() throws IOException {
    Path p = write("p.yaml", "version: 1", "policies:",
        "  - id: refund-small", "    effect: permit", "    tools: [\"orders.refund\"]",
        "    when: resource.amount < 100",
        "  - id: refund-any", "    effect: permit", "    tools: [\"orders.*\"]", "    approval: required",
        "  - id: refund-trial", "    effect: permit", "    tools: [\"orders.refund\"]", "    mode: shadow",
        "  - id: no-refund-trial", "    effect: forbid", "    tools: [\"orders.*\"]", "    mode: shadow");
    JsonNode json = Cli.run("policy", "lint", "--json", p).json();
    // refund-trial is a shadow permit: an approval permit covers it too
    assertEquals(List.of("needs-approval:refund-small", "needs-approval:refund-trial"), kinds(json), json::toString);
    String text = Cli.run("policy", "lint", p).out();
    assertTrue(text.contains("warning [needs-approval] refund-small: every call it permits needs approval"), text);
    assertTrue(text.contains("add approval: required here, or narrow refund-any"), text);
  }

  @Test
  void lintReportsApprovalOnAForbidWithLineColumnAndTheFix() throws IOException {
    // docs/security-cases.md #101
    Path bad = write("bad.yaml", "version: 1", "policies:", "  - id: no-refund", "    effect: forbid",
        "    tools: [\"orders.refund\"]", "    approval: required");
    Cli.Result r = Cli.run("policy", "lint", bad);
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.out().startsWith(bad + ":6:15: "), r::toString);
    assertTrue(r.out().contains("remove 'approval' or make the rule a permit"), r::toString);
    JsonNode error = Cli.run("policy", "lint", "--json", bad).json().get("files").get(0).get("error");
    assertEquals(6, error.get("line").asInt());
    assertEquals(15, error.get("column").asInt());
  }

  @Test
  void lintReportsAnUnknownModeWithLineColumnAndTheChoices() throws IOException {
    Path bad = write("bad.yaml", "version: 1", "policies:", "  - id: mail", "    effect: permit",
        "    tools: [\"email.send\"]", "    mode: Shadow");
    Cli.Result r = Cli.run("policy", "lint", bad);
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.out().startsWith(bad + ":6:11: "), r::toString);
    assertTrue(r.out().contains("'mode' must be exactly enforce or shadow"), r::toString);
    assertTrue(r.out().contains("Shadow"), "names the offending value: " + r);
  }

  @Test
  void aForbidThatCoversOnlySomeToolsOrAgentsDoesNotShadow() throws IOException {
    Path p = write("p.yaml", "version: 1", "policies:",
        "  - id: mail", "    effect: permit", "    tools: [\"email.send\", \"notes.write\"]",
        "  - id: no-email", "    effect: forbid", "    tools: [\"email.*\"]",
        "  - id: deep", "    effect: permit", "    tools: [\"files.**\"]",
        "  - id: no-files", "    effect: forbid", "    tools: [\"files.*\"]",
        "  - id: clerk", "    effect: permit", "    tools: [\"orders.read\"]",
        "  - id: no-orders-for-bots", "    effect: forbid", "    agents: [\"spiffe://shop.test/bot/*\"]",
        "    tools: [\"orders.read\"]");
    JsonNode json = Cli.run("policy", "lint", "--json", p).json();
    assertEquals(List.of(), kinds(json), json::toString);
  }

  @Test
  void lintChecksToolGlobsAgainstACatalogFromClasses() throws IOException {
    // a classes directory holding only ShopTools, as a build would produce
    Path classes = dir.resolve("classes/dev/agentguard/cli");
    Files.createDirectories(classes);
    Path compiled = Path.of(ShopTools.class.getProtectionDomain().getCodeSource().getLocation().getPath(),
        "dev/agentguard/cli");
    for (String name : List.of("ShopTools.class", "ShopTools$Impl.class")) {
      Files.copy(compiled.resolve(name), classes.resolve(name));
    }
    Path p = write("p.yaml", "version: 1", "policies:",
        "  - id: everyone-notes", "    effect: permit", "    tools: [\"notes.*\"]",
        "  - id: typo", "    effect: permit", "    agents: [\"spiffe://shop.test/agent/clerk\"]",
        "    tools: [\"order.read\", \"vault.open\"]");
    JsonNode json = Cli.run("policy", "lint", "--json", p, "--tools", dir.resolve("classes")).json();
    assertEquals(List.of("any-agent-elevated:everyone-notes", "unknown-tool:typo"), kinds(json), json::toString);
    String text = Cli.run("policy", "lint", p, "--tools", dir.resolve("classes")).out();
    assertTrue(text.contains("covers notes.write (high)"), text);
    assertTrue(text.contains("tool glob 'order.read' matches no tool"), text);
  }

  @Test
  void lintReadsAJsonCatalogAndRejectsAMalformedOne() throws IOException {
    Path p = write("p.yaml", "version: 1", "policies:", "  - id: all", "    effect: permit", "    tools: [\"**\"]",
        "limits:", "  - id: mail-budget", "    tools: [\"mail.send\"]", "    maxCallsPerTask: 3");
    JsonNode json = Cli.run("policy", "lint", "--json", p, "--tools", Trails.catalog(dir)).json();
    assertEquals(List.of("any-agent-elevated:all", "unknown-tool:mail-budget"), kinds(json), json::toString);
    Path broken = write("broken.json", "{\"name\": 1}");
    Cli.Result r = Cli.run("policy", "lint", p, "--tools", broken);
    assertEquals(Main.USAGE, r.code(), r::toString);
    assertTrue(r.err().contains("must be a JSON list"), r::toString);
  }

  @Test
  void testRunsCasesReportsCoverageAndExplainsFailures() throws IOException {
    Path policy = write("shop.yaml", Trails.POLICY);
    write("shop.tests.yaml",
        "cases:",
        "  - name: clerk reads an order",
        "    agent: spiffe://shop.test/agent/clerk",
        "    tool: orders.read",
        "    attributes: {resource.id: O-1}",
        "    expect: {decision: ALLOW, rules: [clerk-tools]}",
        "  - name: restricted files are forbidden",
        "    agent: spiffe://shop.test/agent/clerk",
        "    tool: files.read",
        "    attributes: {resource.sensitivity: restricted}",
        "    task: {tools: [orders.read], maxSensitivity: confidential, calls: 2}",
        "    expect: {decision: DENY, code: FORBIDDEN, rules: [no-restricted]}");
    Cli.Result ok = Cli.run("policy", "test", policy);
    assertEquals(Main.OK, ok.code(), ok::toString);
    assertTrue(ok.out().contains("2 of 2 case(s) passed; rule coverage 100.0% (2 of 2)"), ok::toString);

    write("shop.tests.yaml",
        "- name: strangers are denied",
        "  agent: spiffe://elsewhere.test/agent/x",
        "  tool: orders.read",
        "  expect: {decision: ALLOW}");
    Cli.Result fail = Cli.run("policy", "test", policy, "--min-coverage", "60");
    assertEquals(Main.BAD, fail.code(), fail::toString);
    assertTrue(fail.out().contains("strangers are denied: expected ALLOW, got DENY"), fail::toString);
    assertTrue(fail.out().contains("got DENY NO_MATCHING_PERMIT; reasons: no permit rule matched"), fail::toString);
    assertTrue(fail.out().contains("coverage below --min-coverage 60.0%"), fail::toString);
    JsonNode json = Cli.run("policy", "test", "--json", policy).json();
    JsonNode r = json.get("policies").get(0);
    assertEquals(0.0, r.get("coverage").asDouble());
    assertEquals("NO_MATCHING_PERMIT", r.get("failures").get(0).get("code").asText());
  }

  @Test
  void coverageBelowTheMinimumFailsEvenWhenEveryCasePasses() throws IOException {
    Path policy = write("shop.yaml", Trails.POLICY);
    write("shop.tests.yaml",
        "- agent: spiffe://shop.test/agent/clerk",
        "  tool: orders.read",
        "  expect: {decision: ALLOW}");
    assertEquals(Main.OK, Cli.run("policy", "test", policy, "--min-coverage", "50").code());
    Cli.Result r = Cli.run("policy", "test", policy, "--min-coverage", "51");
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.out().contains("never deciding: no-restricted"), r::toString);
  }

  @Test
  void aMalformedTestCaseNamesTheCaseAndField() throws IOException {
    Path policy = write("shop.yaml", Trails.POLICY);
    write("shop.tests.yaml",
        "- name: typo",
        "  agent: spiffe://shop.test/agent/clerk",
        "  tool: orders.read",
        "  expct: {decision: ALLOW}");
    Cli.Result r = Cli.run("policy", "test", policy);
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.err().contains("case 1 (typo): unknown field 'expct'"), r::toString);
    Path alone = write("alone.yaml", Trails.POLICY);
    Cli.Result missing = Cli.run("policy", "test", alone);
    assertEquals(Main.USAGE, missing.code(), missing::toString);
    assertEquals("agentguard: policy tests not found: " + dir.resolve("alone.tests.yaml"), missing.err().strip());
  }
}
