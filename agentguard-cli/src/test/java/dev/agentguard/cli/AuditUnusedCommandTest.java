package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditUnusedCommandTest {
  @TempDir
  Path dir;

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void reportsRulesScopesAndPermitsNobodyUsed() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Path policy = dir.resolve("review.yaml");
    Files.writeString(policy, Trails.POLICY + String.join("\n",
        "  - id: auditor-reports",
        "    effect: permit",
        "    agents: [\"spiffe://shop.test/agent/auditor\"]",
        "    tools: [\"reports.read\"]",
        "  - id: ghost",
        "    effect: permit",
        "    agents: [\"spiffe://shop.test/agent/ghost\"]",
        "    tools: [\"orders.read\"]",
        ""));
    Cli.Result r = Cli.run("audit", "unused", "--json", w.file(), "--policy", policy);
    assertEquals(Main.OK, r.code(), r::toString);
    JsonNode doc = r.json();
    assertEquals(List.of("auditor-reports", "ghost"), strings(doc.get("unusedRules")), doc::toString);
    assertTrue(!doc.get("policyVersionInTrail").asBoolean(), "the review policy is not the recorded one");
    // task A used orders, files, email, notes, vault; task B asked for orders.* and never read an order
    assertEquals(1, doc.get("unusedScopes").get("orders.*").asInt(), doc::toString);
    assertEquals(1, doc.get("unusedScopes").size(), doc::toString);
    // the auditor holds clerk-tools (agent/*), exercised by its e-mail, and auditor-reports, never used
    assertEquals(List.of("auditor-reports"), strings(doc.get("unexercisedPermits").get(Trails.AUDITOR)), doc::toString);
    assertEquals(1, doc.get("unexercisedPermits").size(), doc::toString);
    assertEquals(List.of("ghost"), strings(doc.get("permitsMatchingNoAgent")));
    assertEquals(Main.BAD, Cli.run("audit", "unused", "--fail-on-unused", w.file(), "--policy", policy).code());
  }

  @Test
  void theRecordedPolicyLeavesOnlyItsUnusedPartsAndSaysSo() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Cli.Result r = Cli.run("audit", "unused", w.file(), "--policy", w.policy());
    assertEquals(Main.OK, r.code(), r::toString);
    assertTrue(r.out().contains("rules that never decided a call (0 of 2): none"), r::toString);
    assertTrue(r.out().contains("orders.*  asked for and unused by 1 task(s)"), r::toString);
  }
}
