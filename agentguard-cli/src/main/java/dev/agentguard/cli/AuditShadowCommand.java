package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit shadow FILE...}: the calls on which the shadow policy set decided
 * differently from the live one ({@code shadowDecision} on a {@code tool.decision} record), what a
 * candidate set would have changed had it been live. Exits 0 unless {@code --fail-on-disagreement}
 * and there is one.
 *
 * @since 0.2.0
 */
@Command(name = "shadow", mixinStandardHelpOptions = true,
    description = {"Calls the shadow policy set decided differently from the live one:",
        "what the candidate set would have changed had it been live."})
final class AuditShadowCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DamagedLines damaged;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files (each with its rotated files).")
  List<Path> files;

  @Option(names = "--fail-on-disagreement", description = "Exit 1 when any call was decided differently.")
  boolean failOnDisagreement;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<AuditEvent> dis = AuditLog.disagreements(damaged.read(Trail.files(files), spec.commandLine().getErr()));
    Map<String, Integer> byVersion = new TreeMap<>();
    for (AuditEvent e : dis) {
      byVersion.merge(String.valueOf(e.shadowVersion()), 1, Integer::sum);
    }
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (AuditEvent e : dis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("ts", e.ts());
        m.put("task", e.task());
        m.put("agent", e.agent());
        m.put("tool", e.tool());
        m.put("decision", e.decision());
        m.put("code", e.code());
        m.put("policies", e.policies());
        m.put("shadowDecision", e.shadowDecision());
        m.put("shadowCode", e.shadowCode());
        m.put("shadowPolicies", e.shadowPolicies());
        m.put("shadowVersion", e.shadowVersion());
        rows.add(m);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("disagreements", dis.size());
      doc.put("byShadowVersion", byVersion);
      doc.put("calls", rows);
      Json.print(out, doc);
    } else {
      out.println("calls the shadow policy set decided differently: " + dis.size());
      for (AuditEvent e : dis) {
        out.println("  seq " + e.seq() + " " + Terminal.safe(String.valueOf(e.ts())) + " " + Terminal.safe(e.tool())
            + " task " + Terminal.safe(String.valueOf(e.task())) + ": live " + outcome(e.decision(), e.code(), e.policies())
            + ", shadow " + outcome(e.shadowDecision(), e.shadowCode(), e.shadowPolicies()));
      }
      byVersion.forEach((v, n) -> out.println("shadow version " + Terminal.safe(v) + ": " + n + " disagreement(s)"));
    }
    return damaged.exitCode(failOnDisagreement && !dis.isEmpty() ? Main.BAD : Main.OK);
  }

  private static String outcome(String decision, String code, List<String> rules) {
    return Terminal.safe(String.valueOf(decision)) + (code == null ? "" : " " + Terminal.safe(code))
        + (rules.isEmpty() ? "" : " by " + Terminal.safe(String.join(", ", rules)));
  }
}
