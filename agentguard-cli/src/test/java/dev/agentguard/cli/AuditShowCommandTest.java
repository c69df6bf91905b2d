package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditShowCommandTest {
  @TempDir
  Path dir;

  @Test
  void showsOneLinePerEventOfTheTask() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Cli.Result r = Cli.run("audit", "show", w.file(), "--task", w.taskA());
    assertEquals(Main.OK, r.code(), r::toString);
    String[] lines = r.out().split("\n");
    for (int i = 0; i < lines.length - 1; i++) {
      assertTrue(lines[i].contains(w.taskA()), lines[i]);
    }
    // one record per LOW call since 0.2.0: the decision shows its outcome
    assertTrue(r.out().contains("orders.read  ALLOW  success  rules=clerk-tools"), r::toString);
    assertTrue(r.out().contains("files.read  DENY FORBIDDEN  rules=no-restricted"), r::toString);
    assertFalse(r.out().contains(w.taskB()), r::toString);
  }

  @Test
  void deniedFilterKeepsOnlyDenialsAndJsonParsesBack() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    JsonNode events = Cli.run("audit", "show", "--json", "--denied", w.file()).json();
    assertEquals(2, events.size(), events::toString);
    for (JsonNode e : events) {
      assertEquals("DENY", e.get("decision").asText());
    }
    assertEquals("FORBIDDEN", events.get(0).get("code").asText());
    assertEquals("OUT_OF_SCOPE", events.get(1).get("code").asText());
    assertEquals(Trails.AUDITOR, events.get(1).get("agent").asText());
  }

  @Test
  void agentAndTimeFiltersCombine() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    JsonNode clerk = Cli.run("audit", "show", "--json", "--agent", Trails.CLERK, w.file()).json();
    assertTrue(clerk.size() > 5);
    for (JsonNode e : clerk) {
      assertEquals(Trails.CLERK, e.get("agent").asText());
    }
    JsonNode all = Cli.run("audit", "show", "--json", w.file()).json();
    java.time.Instant since = Trails.T0.plusSeconds(3);
    java.time.Instant until = Trails.T0.plusSeconds(5);
    JsonNode window = Cli.run("audit", "show", "--json", "--since", since, "--until", until, w.file()).json();
    int expected = 0;
    for (JsonNode e : all) {
      java.time.Instant ts = java.time.Instant.parse(e.get("ts").asText());
      expected += !ts.isBefore(since) && ts.isBefore(until) ? 1 : 0;
    }
    assertTrue(expected > 0 && expected < all.size());
    assertEquals(expected, window.size(), window::toString);
    for (JsonNode e : window) {
      java.time.Instant ts = java.time.Instant.parse(e.get("ts").asText());
      assertTrue(!ts.isBefore(since) && ts.isBefore(until), e::toString);
    }
  }

  @Test
  void escapesTerminalControlCharactersFromTheTrail() throws IOException {
    Trails.Written w = Trails.write(dir, "ok\u001b[2J\rFAKE\u202e", 0);
    Cli.Result r = Cli.run("audit", "show", w.file());
    assertFalse(r.out().contains("\u001b"), "no raw ESC reaches the terminal");
    assertFalse(r.out().contains("\r"), "no raw carriage return");
    assertFalse(r.out().contains("\u202e"), "no raw bidi override");
    assertTrue(r.out().contains("ok\\u001b[2J\\u000dFAKE\\u202e"), r::toString);
  }

  @Test
  void readsRotatedFilesInOrder() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 1500);
    JsonNode events = Cli.run("audit", "show", "--json", w.file()).json();
    long expected = 1;
    for (JsonNode e : events) {
      assertEquals(expected++, e.get("seq").asLong());
    }
    assertTrue(expected > 10);
  }

  @Test
  void aMalformedRecordIsABadTrailNamingFileAndLine() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    java.util.List<String> lines = Trails.lines(w.file());
    lines.set(2, "{not json");
    java.nio.file.Files.write(w.file(), lines);
    Cli.Result r = Cli.run("audit", "show", w.file());
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.err().contains(w.file() + " line 3"), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
  }
}
