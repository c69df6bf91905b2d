package dev.agentguard.cli;

import dev.agentguard.PolicyException;
import dev.agentguard.Risk;
import dev.agentguard.core.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
 * {@code agentguard policy lint FILE...}: load errors as the library reports them
 * ({@code file:line:column}), and warnings a reviewer wants (see {@link PolicyLinter}).
 *
 * @since 0.2.0
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
    description = {"Check policy files: load errors (file:line:column) and warnings: expired rules,",
        "permits shadowed by an unconditional forbid, any-agent permits on high/critical tools,",
        "tool globs that match no tool of the catalog (--tools)."})
final class PolicyLintCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files (YAML or JSON).")
  List<Path> files;

  @Option(names = "--tools", paramLabel = "CATALOG",
      description = "The application's tools: a jar or classes directory (its @AgentTool methods), or a JSON list.")
  Path tools;

  @Option(names = "--now", paramLabel = "INSTANT", description = "Time for expiry checks (ISO-8601; default: now).")
  Instant now;

  @Option(names = "--fail-on-warning", description = "Exit 1 when there are warnings, not only errors.")
  boolean failOnWarning;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ToolCatalog catalog = tools == null ? null : ToolCatalog.load(tools);
    PolicyLinter linter = new PolicyLinter(catalog, now == null ? Instant.now() : now);
    List<Map<String, Object>> results = new ArrayList<>();
    int errors = 0;
    int warnings = 0;
    for (Path file : files) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("file", file.toString());
      List<PolicyLinter.Warning> found = List.of();
      try {
        PolicySet set = PolicyFiles.load(file);
        r.put("version", set.version());
        found = linter.lint(PolicyDocument.of(set));
        if (!json) {
          for (PolicyLinter.Warning w : found) {
            out.println(file + ": warning [" + w.kind() + "] " + Terminal.safe(w.rule()) + ": "
                + Terminal.visible(w.message(), 1000));
          }
        }
      } catch (PolicyException e) {
        errors++;
        r.put("error", Map.of("message", e.getMessage(), "line", e.line(), "column", e.column()));
        if (!json) {
          out.println(Terminal.visible(e.getMessage(), 1000));
        }
      }
      List<Map<String, String>> ws = new ArrayList<>();
      for (PolicyLinter.Warning w : found) {
        ws.add(Map.of("kind", w.kind(), "rule", w.rule(), "message", w.message()));
      }
      warnings += found.size();
      r.put("warnings", ws);
      results.add(r);
    }
    if (catalog != null && !json) {
      for (String s : catalog.skipped()) {
        out.println(catalog.source() + ": note: class not read: " + s);
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("ok", errors == 0 && (!failOnWarning || warnings == 0));
      doc.put("errors", errors);
      doc.put("warnings", warnings);
      doc.put("files", results);
      Json.print(out, doc);
    } else {
      out.println(files.size() + " file(s): " + errors + " error(s), " + warnings + " warning(s)"
          + (catalog == null ? "" : "; catalog " + catalog.source() + " has " + catalog.tools().size() + " tool(s)"));
    }
    return errors > 0 || (failOnWarning && warnings > 0) ? Main.BAD : Main.OK;
  }

  /** Risks the any-agent warning is about. */
  static boolean elevated(Risk risk) {
    return switch (risk) {
      case LOW, MEDIUM -> false;
      case HIGH, CRITICAL -> true;
    };
  }
}
