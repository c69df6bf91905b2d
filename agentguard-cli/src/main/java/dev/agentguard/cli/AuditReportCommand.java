package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit report FILE... --html OUT}: writes the reviewer's self-contained HTML
 * report (see {@link HtmlReport}). Exit code 1 when the trail does not verify (the report is still
 * written, with the failure on top). Damaged lines do not stop it: the report reads past them and
 * lists each (file, line, reason) under the verification status.
 *
 * @since 0.2.0
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write one self-contained HTML report (no network, no external assets): verification on top,",
        "deny codes, tools, agents, policy versions and per-task timelines. Exit 1 if the trail does not verify."})
final class AuditReportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files (each with its rotated files).")
  List<Path> files;

  @Option(names = "--html", required = true, paramLabel = "OUT", description = "The HTML file to write.")
  Path html;

  @Option(names = "--jwks", paramLabel = "FILE", description = "Trusted JWK set of the checkpoint signing keys.")
  Path jwks;

  @Option(names = "--json", description = "Machine-readable summary of what was written.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Path> paths = Trail.files(files);
    Verification v = Verification.run(paths, jwks);
    Trail.Read read = Trail.readPastDamage(paths); // the report is most needed for a damaged trail
    List<AuditEvent> events = read.events();
    String page = HtmlReport.render(paths, v, read.damaged(), events, Instant.now());
    try {
      Files.writeString(html, page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.usage("cannot write " + html + ": " + e.getMessage());
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("html", html.toString());
      doc.put("events", events.size());
      doc.put("damagedLines", read.damaged().size());
      doc.put("verification", v.toJson());
      Json.print(out, doc);
    } else {
      out.println("wrote " + html + " (" + events.size() + " events" + (read.damaged().isEmpty() ? ""
          : ", " + read.damaged().size() + " damaged line(s) skipped and listed on top") + "); " + v.headline());
    }
    return v.report().ok() ? Main.OK : Main.BAD;
  }
}
