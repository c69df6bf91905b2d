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

class AuditReplayCommandTest {
  @TempDir
  Path dir;

  private Path candidate(String... extraRules) throws IOException {
    Path p = dir.resolve("candidate.yaml");
    Files.writeString(p, Trails.POLICY + String.join("\n", extraRules) + "\n");
    return p;
  }

  private static List<JsonNode> changes(JsonNode doc, String change) {
    List<JsonNode> out = new ArrayList<>();
    doc.get("changes").forEach(c -> {
      if (c.get("change").asText().equals(change)) {
        out.add(c);
      }
    });
    return out;
  }

  @Test
  void theRecordedPolicyChangesNothing() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Cli.Result r = Cli.run("audit", "replay", "--json", "--fail-on-change", w.file(), "--policy", w.policy(),
        "--tools", Trails.catalog(dir));
    assertEquals(Main.OK, r.code(), r::toString);
    JsonNode counts = r.json().get("counts");
    assertEquals(0, counts.get("NEWLY_DENIED").asInt());
    assertEquals(0, counts.get("NEWLY_ALLOWED").asInt());
    assertEquals(0, counts.get("UNDECIDABLE").asInt(), r::toString);
    assertEquals(6, counts.get("UNCHANGED").asInt(), r::toString);
    assertEquals(1, counts.get("NOT_REDECIDED").asInt(), "the out-of-scope call was denied before the policy");
  }

  @Test
  void aCandidateThatNewlyDeniesARecordedCallIsReportedFromTheTasksOwnHistory() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    // only task A read an order before mailing; task B's e-mail must stay allowed
    Path p = candidate(
        "  - id: no-mail-after-orders",
        "    effect: forbid",
        "    tools: [\"email.send\"]",
        "    when: \"'orders.read' in task.tools\"");
    Cli.Result r = Cli.run("audit", "replay", "--json", w.file(), "--policy", p, "--tools", Trails.catalog(dir));
    assertEquals(Main.OK, r.code(), "without --fail-on-change a change is a report, not a failure");
    List<JsonNode> denied = changes(r.json(), "NEWLY_DENIED");
    assertEquals(1, denied.size(), r::toString);
    JsonNode c = denied.get(0);
    assertEquals(w.taskA(), c.get("task").asText());
    assertEquals("email.send", c.get("tool").asText());
    assertEquals("ALLOW", c.get("recordedDecision").asText());
    assertEquals("FORBIDDEN", c.get("candidateCode").asText());
    assertEquals("no-mail-after-orders", c.get("candidatePolicies").get(0).asText());

    Cli.Result gate = Cli.run("audit", "replay", w.file(), "--policy", p, "--fail-on-change", "--tools", Trails.catalog(dir));
    assertEquals(Main.BAD, gate.code(), gate::toString);
    assertTrue(gate.out().contains("NEWLY DENIED  #"), gate::toString);
    assertTrue(gate.out().contains(w.taskA() + " email.send: was ALLOW by clerk-tools, now DENY FORBIDDEN by no-mail-after-orders"),
        gate::toString);
  }

  @Test
  void countsOnlyThisTasksCallsForTaskCalls() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    // task A's third call onwards (calls >= 2) is denied; task B made one allowed call: unchanged
    Path p = candidate(
        "  - id: two-calls",
        "    effect: forbid",
        "    tools: [\"**\"]",
        "    when: task.calls >= 2");
    JsonNode doc = Cli.run("audit", "replay", "--json", w.file(), "--policy", p, "--tools", Trails.catalog(dir)).json();
    List<String> tools = new ArrayList<>();
    for (JsonNode c : changes(doc, "NEWLY_DENIED")) {
      assertEquals(w.taskA(), c.get("task").asText());
      tools.add(c.get("tool").asText());
    }
    assertEquals(List.of("notes.write", "vault.open"), tools, doc::toString);
    assertEquals(0, changes(doc, "CODE_CHANGED").size(), "files.read stays FORBIDDEN by no-restricted (smallest id)");
  }

  @Test
  void aDecisionThatReadsARedactedValueIsUndecidableNotGuessed() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Path p = candidate(
        "  - id: no-weak-secrets",
        "    effect: forbid",
        "    tools: [\"vault.open\"]",
        "    when: resource.secret == 'hunter2'");
    JsonNode doc = Cli.run("audit", "replay", "--json", w.file(), "--policy", p, "--tools", Trails.catalog(dir)).json();
    List<JsonNode> undecidable = changes(doc, "UNDECIDABLE");
    assertEquals(1, undecidable.size(), doc::toString);
    assertEquals("vault.open", undecidable.get(0).get("tool").asText());
    assertTrue(undecidable.get(0).get("detail").asText().contains("resource.secret (redacted)"), doc::toString);
    assertEquals(0, doc.get("counts").get("NEWLY_DENIED").asInt());
  }

  @Test
  void sensitivityComesFromTheToolCatalogOrTheDecisionIsUndecidable() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Path p = candidate(
        "  - id: nothing-after-confidential",
        "    effect: forbid",
        "    tools: [\"notes.write\"]",
        "    when: task.maxSensitivity >= 'confidential'");
    JsonNode blind = Cli.run("audit", "replay", "--json", w.file(), "--policy", p).json();
    assertEquals(0, blind.get("counts").get("NEWLY_DENIED").asInt(), "nothing is guessed without sensitivities");
    boolean notesUndecidable = false;
    for (JsonNode c : changes(blind, "UNDECIDABLE")) {
      if (c.get("tool").asText().equals("notes.write")) {
        notesUndecidable = c.get("detail").asText().contains("task.maxSensitivity (give --tools)");
      }
    }
    assertTrue(notesUndecidable, blind::toString);

    Path catalog = Trails.catalog(dir);
    JsonNode seen = Cli.run("audit", "replay", "--json", w.file(), "--policy", p, "--tools", catalog).json();
    List<JsonNode> denied = changes(seen, "NEWLY_DENIED");
    assertEquals(1, denied.size(), seen::toString);
    assertEquals("notes.write", denied.get(0).get("tool").asText());
    assertEquals(w.taskA(), denied.get(0).get("task").asText());
  }

  @Test
  void aTaskWhoseStartIsNotInTheGivenFilesHasNoHistoryToDecideOn() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 1500);
    Path p = candidate(
        "  - id: two-calls",
        "    effect: forbid",
        "    tools: [\"**\"]",
        "    when: task.calls >= 2");
    Path catalog = Trails.catalog(dir);
    JsonNode whole = Cli.run("audit", "replay", "--json", w.file(), "--policy", p, "--tools", catalog).json();
    assertEquals(0, whole.get("counts").get("UNDECIDABLE").asInt(), whole::toString);

    // only the rotated files after the one holding task A's task.started (a rotated file names only itself)
    List<Path> files = dev.agentguard.core.AuditLog.files(w.file());
    int started = -1;
    for (int i = 0; i < files.size() && started < 0; i++) {
      for (JsonNode e : Cli.run("audit", "show", "--json", files.get(i)).json()) {
        if (e.get("type").asText().equals("task.started") && e.get("task").asText().equals(w.taskA())) {
          started = i;
        }
      }
    }
    assertTrue(started >= 0 && started < files.size() - 1, "task A started in a rotated file: " + files);
    List<Object> args = new ArrayList<>(List.of("audit", "replay", "--json", "--policy", p, "--tools", catalog));
    for (Path f : files.subList(started + 1, files.size() - 1)) {
      args.add(f);
    }
    JsonNode part = Cli.run(args.toArray()).json();
    List<JsonNode> undecidable = changes(part, "UNDECIDABLE");
    assertTrue(!undecidable.isEmpty(), part::toString);
    for (JsonNode c : undecidable) {
      assertTrue(c.get("detail").asText().contains("task history (the task started before the given files)"), c::toString);
    }
  }

  @Test
  void anInvalidCandidateIsAUsageErrorWithItsLineAndColumn() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Path p = dir.resolve("bad.yaml");
    Files.writeString(p, "version: 1\npolicies:\n  - id: x\n    effect: Permit\n    tools: [\"a\"]\n");
    Cli.Result r = Cli.run("audit", "replay", w.file(), "--policy", p);
    assertEquals(Main.USAGE, r.code(), r::toString);
    assertTrue(r.err().startsWith("agentguard: " + p + ":4:"), r::toString);
  }
}
