package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trail with a damaged line in its middle: the reading commands stop on it by default, read past
 * it with {@code --skip-damaged} (naming the line on stderr, never its content, and exiting 1), and
 * {@code audit report} always reads past it and lists it on top.
 */
class DamagedTrailTest {
  /** Stands in for whatever a damaged line held; must never be printed. */
  static final String DAMAGE = "{\"v\":2,\"seq\":\"SECRET-LOOKING-GARBAGE hunter2";

  @TempDir
  Path dir;

  /** How many events the scenario's trail held before it was damaged. */
  private int eventsBefore;

  /** The scenario's trail with its 4th line replaced by garbage; returns the written trail. */
  private Trails.Written damagedTrail() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    eventsBefore = Cli.run("audit", "show", "--json", w.file()).json().size();
    List<String> lines = new ArrayList<>(Files.readAllLines(w.file(), StandardCharsets.UTF_8));
    lines.set(3, DAMAGE);
    Files.write(w.file(), lines, StandardCharsets.UTF_8);
    return w;
  }

  @Test // docs/security-cases.md #113
  void showStopsOnADamagedLineByDefaultAndNamesTheWayOn() throws IOException {
    Trails.Written w = damagedTrail();
    Cli.Result r = Cli.run("audit", "show", w.file());
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.err().contains("--skip-damaged"), r::toString);
    assertFalse(r.out().contains("ALLOW"), "nothing is shown from a trail that could not be read: " + r);
  }

  @Test // docs/security-cases.md #113
  void skipDamagedShowsTheRestNamesTheLineAndExitsOne() throws IOException {
    Trails.Written w = damagedTrail();
    Cli.Result r = Cli.run("audit", "show", "--json", "--skip-damaged", w.file());
    assertEquals(Main.BAD, r.code(), "a skipped line is never a clean exit: " + r);
    JsonNode events = r.json();
    assertEquals(eventsBefore - 1, events.size(), r::toString);
    assertTrue(r.err().contains("skipped damaged line " + w.file() + ":4: "), r::toString);
    assertTrue(r.err().contains("1 damaged line(s) skipped"), r::toString);
    assertFalse(r.err().contains("hunter2") || r.out().contains("hunter2"), "a damaged line's content is never shown");
  }

  @Test // docs/security-cases.md #113
  void aCommandThatWouldFailStillFailsAndReplayShadowAndUnusedTakeTheOption() throws IOException {
    Trails.Written w = damagedTrail();
    for (Object[] args : List.of(
        new Object[] {"audit", "replay", "--skip-damaged", w.file(), "--policy", w.policy()},
        new Object[] {"audit", "shadow", "--skip-damaged", w.file()},
        new Object[] {"audit", "unused", "--skip-damaged", w.file(), "--policy", w.policy()})) {
      Cli.Result r = Cli.run(args);
      assertEquals(Main.BAD, r.code(), r::toString);
      assertTrue(r.err().contains("skipped damaged line " + w.file() + ":4"), r::toString);
      Cli.Result strict = Cli.run(java.util.Arrays.stream(args).filter(a -> !"--skip-damaged".equals(a)).toArray());
      assertEquals(Main.BAD, strict.code(), strict::toString);
      assertTrue(strict.err().contains("cannot read the trail"), strict::toString);
    }
  }

  @Test // docs/security-cases.md #113
  void theReportReadsPastTheDamageListsItOnTopAndExitsOne() throws IOException {
    Trails.Written w = damagedTrail();
    Path html = dir.resolve("report.html");
    Cli.Result r = Cli.run("audit", "report", w.file(), "--html", html, "--json");
    assertEquals(Main.BAD, r.code(), "the trail does not verify: " + r);
    assertEquals(1, r.json().get("damagedLines").asInt(), r::toString);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    int damaged = page.indexOf("id=\"damaged\"");
    assertTrue(damaged > 0 && damaged < page.indexOf("id=\"summary\""), "listed above the summary");
    assertTrue(page.contains("1 damaged line(s) could not be read"), page);
    assertTrue(page.contains(":4</code>"), page);
    assertFalse(page.contains("hunter2"), "a damaged line's content is never shown");
    assertTrue(page.contains("email.send"), "the readable records are reported");
  }
}
