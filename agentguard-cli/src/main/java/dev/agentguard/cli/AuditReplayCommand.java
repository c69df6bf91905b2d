package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit replay FILE... --policy CANDIDATE}: what a candidate policy would have
 * decided for every recorded call (see {@link Replayer}); {@code --fail-on-change} makes any newly
 * denied, newly allowed or changed-code decision exit 1, for CI gates.
 *
 * @since 0.2.0
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Re-decide every recorded tool.decision under a candidate policy, each task's state",
        "rebuilt from its own chain; report newly denied / newly allowed calls and undecidable ones."})
final class AuditReplayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DamagedLines damaged;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files (each with its rotated files).")
  List<Path> files;

  @Option(names = "--policy", required = true, paramLabel = "CANDIDATE", description = "The candidate policy file.")
  Path policy;

  @Option(names = "--tools", paramLabel = "CATALOG",
      description = "The application's tools (jar, classes directory or JSON list): gives tool sensitivities.")
  Path tools;

  @Option(names = "--context", paramLabel = "NAME=VALUE",
      description = "Assume this task context value for every task (the trail does not record task context).")
  Map<String, String> context = new LinkedHashMap<>();

  @Option(names = "--examples", paramLabel = "N", defaultValue = "20",
      description = "Print at most N records per kind of change (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(names = "--fail-on-change", description = "Exit 1 if any decision would change.")
  boolean failOnChange;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PolicyDocument candidate = PolicyDocument.of(PolicyFiles.loadOrFail(policy));
    ToolCatalog catalog = tools == null ? null : ToolCatalog.load(tools);
    List<AuditEvent> events = damaged.read(Trail.files(files), spec.commandLine().getErr());
    List<Replayer.Outcome> outcomes = new Replayer(candidate, catalog, new LinkedHashMap<>(context)).replay(events);

    Map<Replayer.Change, List<Replayer.Outcome>> byChange = new EnumMap<>(Replayer.Change.class);
    for (Replayer.Change c : Replayer.Change.values()) {
      byChange.put(c, new ArrayList<>());
    }
    outcomes.forEach(o -> byChange.get(o.change()).add(o));
    int changed = byChange.get(Replayer.Change.NEWLY_DENIED).size() + byChange.get(Replayer.Change.NEWLY_ALLOWED).size()
        + byChange.get(Replayer.Change.CODE_CHANGED).size();

    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("candidate", policy.toString());
      doc.put("candidateVersion", candidate.set().version());
      doc.put("decisions", outcomes.size());
      Map<String, Integer> counts = new LinkedHashMap<>();
      byChange.forEach((c, l) -> counts.put(c.name(), l.size()));
      doc.put("counts", counts);
      List<Map<String, Object>> records = new ArrayList<>();
      for (Replayer.Outcome o : outcomes) {
        if (o.change() != Replayer.Change.UNCHANGED) {
          records.add(toJson(o));
        }
      }
      doc.put("changes", records);
      Json.print(out, doc);
    } else {
      out.println("replayed " + outcomes.size() + " decision(s) under " + candidate.set().version() + " (" + policy + ")");
      out.println("  unchanged " + byChange.get(Replayer.Change.UNCHANGED).size()
          + ", newly denied " + byChange.get(Replayer.Change.NEWLY_DENIED).size()
          + ", newly allowed " + byChange.get(Replayer.Change.NEWLY_ALLOWED).size()
          + ", code changed " + byChange.get(Replayer.Change.CODE_CHANGED).size()
          + ", undecidable " + byChange.get(Replayer.Change.UNDECIDABLE).size()
          + ", not re-decided " + byChange.get(Replayer.Change.NOT_REDECIDED).size() + " (denied outside the policy)");
      for (Replayer.Change c : List.of(Replayer.Change.NEWLY_DENIED, Replayer.Change.NEWLY_ALLOWED,
          Replayer.Change.CODE_CHANGED, Replayer.Change.UNDECIDABLE)) {
        List<Replayer.Outcome> list = byChange.get(c);
        for (int i = 0; i < Math.min(examples, list.size()); i++) {
          out.println(c.name().replace('_', ' ') + "  " + line(list.get(i)));
        }
        if (list.size() > examples) {
          out.println(c.name().replace('_', ' ') + "  ... and " + (list.size() - examples) + " more");
        }
      }
    }
    return damaged.exitCode(failOnChange && changed > 0 ? Main.BAD : Main.OK);
  }

  private static String line(Replayer.Outcome o) {
    AuditEvent e = o.event();
    StringBuilder sb = new StringBuilder();
    sb.append('#').append(e.seq()).append(' ').append(Terminal.safe(e.ts())).append(' ')
        .append(Terminal.safe(e.task())).append(' ').append(Terminal.safe(e.tool())).append(": was ")
        .append(e.decision()).append(e.code() == null ? "" : " " + Terminal.safe(e.code()));
    if (!e.policies().isEmpty()) {
      sb.append(" by ").append(Terminal.safe(String.join(",", e.policies())));
    }
    Decision d = o.candidate();
    if (d != null) {
      sb.append(", now ").append(d.allowed() ? "ALLOW" : "DENY " + d.code());
      if (!d.policies().isEmpty()) {
        sb.append(" by ").append(String.join(",", d.policies()));
      }
      sb.append(" (").append(Terminal.safe(String.join("; ", d.reasons()))).append(')');
    } else {
      sb.append(": ").append(Terminal.safe(o.detail()));
    }
    return sb.toString();
  }

  private static Map<String, Object> toJson(Replayer.Outcome o) {
    AuditEvent e = o.event();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("change", o.change().name());
    m.put("seq", e.seq());
    m.put("ts", e.ts());
    m.put("task", e.task());
    m.put("agent", e.agent());
    m.put("tool", e.tool());
    m.put("recordedDecision", e.decision());
    m.put("recordedCode", e.code());
    m.put("recordedPolicies", e.policies());
    Decision d = o.candidate();
    m.put("candidateDecision", d == null ? null : d.allowed() ? "ALLOW" : "DENY");
    m.put("candidateCode", d == null || d.allowed() ? null : d.code().name());
    m.put("candidatePolicies", d == null ? List.of() : d.policies());
    m.put("candidateReasons", d == null ? List.of() : d.reasons());
    m.put("detail", o.detail());
    return m;
  }
}
