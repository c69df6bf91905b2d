package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditReportCommandTest {
  static final String PAYLOAD = "<script>document.title='PWNED'</script><img src=x onerror=alert(1)>\"'";

  @TempDir
  Path dir;

  @Test
  void writesOneSelfContainedPageWithVerificationOnTop() throws IOException {
    Trails.Written w = Trails.write(dir, PAYLOAD, 0);
    Path html = dir.resolve("report.html");
    Cli.Result r = Cli.run("audit", "report", w.file(), "--html", html);
    assertEquals(Main.OK, r.code(), r::toString);
    String page = Files.readString(html, StandardCharsets.UTF_8);

    assertTrue(page.startsWith("<!DOCTYPE html>"));
    int verification = page.indexOf("<section id=\"verification\" class=\"status ok\">");
    assertTrue(verification > 0, "verification status present");
    assertTrue(verification < page.indexOf("<section id=\"summary\">"), "verification comes first");
    assertTrue(page.contains("VERIFIED: "));
    for (String section : List.of("id=\"deny-codes\"", "id=\"tools\"", "id=\"agents\"", "id=\"policy-versions\"",
        "id=\"tasks\"")) {
      assertTrue(page.contains(section), section);
    }
    // no network: no script, no external reference of any kind, and a CSP that forbids them
    assertTrue(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assertFalse(Pattern.compile("(?i)<script").matcher(page).find(), "no script element");
    assertFalse(Pattern.compile("(?i)<[^>]*\\s(src|href|action)\\s*=").matcher(page).find(), "no src or href attribute");
    assertFalse(Pattern.compile("(?i)url\\(").matcher(page).find(), "no CSS url()");
    assertFalse(page.contains("@import"));
  }

  @Test
  void modelControlledStringsAreInert() throws IOException {
    Trails.Written w = Trails.write(dir, PAYLOAD, 0);
    Path html = dir.resolve("report.html");
    Cli.run("audit", "report", w.file(), "--html", html);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertFalse(page.contains("<script>document.title"), "the payload is not markup");
    assertFalse(page.contains("<img"), "no injected element");
    assertTrue(page.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;"),
        "the payload is shown as text");
  }

  @Test
  void highlightsDenialsWithTheirReasonsInTheTaskTimeline() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Path html = dir.resolve("report.html");
    Cli.run("audit", "report", w.file(), "--html", html);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    Matcher deny = Pattern.compile("<tr class=\"deny\"><td>\\d+</td><td>[^<]*</td><td>tool\\.decision</td>"
        + "<td>files\\.read</td><td>DENY FORBIDDEN</td><td>no-restricted</td><td>forbidden by no-restricted</td>")
        .matcher(page);
    assertTrue(deny.find(), "the FORBIDDEN denial is a highlighted row with its rule and reason");
    assertTrue(page.contains("task <code>" + w.taskA() + "</code>"));
    assertTrue(page.matches("(?s).*<tr><td>FORBIDDEN</td><td>1</td></tr>.*"), "deny code counted");
    assertTrue(page.matches("(?s).*<tr><td>" + Pattern.quote(Trails.CLERK) + "</td><td>1</td><td>4</td><td>1</td></tr>.*"),
        "per-agent counts: 1 task, 4 allowed, 1 denied");
    String version = dev.agentguard.core.PolicySet.load(w.policy()).version();
    assertTrue(page.matches("(?s).*<section id=\"policy-versions\">.*<code>" + version + "</code></td><td>policy loaded.*"),
        "the policy version is listed with its load");
  }

  @Test
  void aTamperedTrailStillGetsAReportWithTheFailureOnTopAndExitsOne() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    List<String> lines = Trails.lines(w.file());
    int index = 0;
    while (!lines.get(index).contains("\"ALLOW\"")) {
      index++;
    }
    long seq = index + 1;
    lines.set(index, lines.get(index).replace("\"ALLOW\"", "\"DENY\""));
    Files.write(w.file(), lines, StandardCharsets.UTF_8);
    Path html = dir.resolve("report.html");
    Cli.Result r = Cli.run("audit", "report", w.file(), "--html", html);
    assertEquals(Main.BAD, r.code(), r::toString);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.contains("class=\"status bad\""));
    assertTrue(page.contains("FAILED: HASH_MISMATCH at seq " + seq), page);
    assertTrue(page.contains("<tr class=\"deny unverified\"><td>" + seq + " <strong>first bad record</strong></td>"),
        "the edited record is marked where it stands in its task's timeline");
    assertTrue(page.contains("<td>" + (seq + 1) + " (unverified)</td>"), "records after it are marked unverified");
  }
}
