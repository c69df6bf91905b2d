package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit unused FILE... --policy FILE}: the entitlement drift report — rules that
 * never decided a call in the trail, scopes tasks asked for and never used, and agents holding
 * permits they never exercised. Informational: exits 0 unless {@code --fail-on-unused}.
 *
 * @since 0.2.0
 */
@Command(name = "unused", mixinStandardHelpOptions = true,
    description = {"Entitlement drift: rules that never decided anything, scopes tasks asked for and never",
        "used, agents with permits they never exercised."})
final class AuditUnusedCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DamagedLines damaged;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files (each with its rotated files).")
  List<Path> files;

  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy to review.")
  Path policy;

  @Option(names = "--fail-on-unused", description = "Exit 1 when anything is unused.")
  boolean failOnUnused;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PolicyDocument doc = PolicyDocument.of(PolicyFiles.loadOrFail(policy));
    List<AuditEvent> events = damaged.read(Trail.files(files), spec.commandLine().getErr());
    Globs globs = new Globs();

    Set<String> decidingRules = new HashSet<>();
    Map<String, Set<String>> rulesByAgent = new HashMap<>();
    Set<String> agents = new TreeSet<>();
    Map<String, List<String>> scopesByTask = new LinkedHashMap<>();
    Map<String, String> agentOfTask = new HashMap<>();
    Map<String, Set<String>> toolsByTask = new HashMap<>();
    boolean versionSeen = false;
    for (AuditEvent e : events) {
      if (e.agent() != null) {
        agents.add(e.agent());
      }
      if (AuditEvent.TASK_STARTED.equals(e.type()) && e.task() != null) {
        Object scopes = e.attributes().get("task.scopes");
        List<String> list = new ArrayList<>();
        if (scopes instanceof List<?>) {
          ((List<?>) scopes).forEach(s -> list.add(String.valueOf(s)));
        }
        scopesByTask.put(e.task(), list);
        agentOfTask.put(e.task(), e.agent());
      }
      if (AuditEvent.TOOL_DECISION.equals(e.type())) {
        versionSeen |= doc.set().version().equals(e.policyVersion());
        decidingRules.addAll(e.policies());
        if (e.agent() != null) {
          rulesByAgent.computeIfAbsent(e.agent(), a -> new HashSet<>()).addAll(e.policies());
        }
        if (e.task() != null && e.tool() != null) {
          toolsByTask.computeIfAbsent(e.task(), t -> new HashSet<>()).add(e.tool());
        }
      }
    }

    List<String> unusedRules = new ArrayList<>();
    Map<String, List<String>> unexercised = new TreeMap<>();
    List<String> permitsMatchingNoAgent = new ArrayList<>();
    for (PolicyDocument.Rule r : doc.rules()) {
      if (!decidingRules.contains(r.id())) {
        unusedRules.add(r.id());
      }
      if (!r.permit() || r.anyAgent()) {
        continue;
      }
      boolean anyAgentMatched = false;
      for (String agent : agents) {
        if (globs.anyMatches(r.agents(), agent)) {
          anyAgentMatched = true;
          if (!rulesByAgent.getOrDefault(agent, Set.of()).contains(r.id())) {
            unexercised.computeIfAbsent(agent, a -> new ArrayList<>()).add(r.id());
          }
        }
      }
      if (!anyAgentMatched) {
        permitsMatchingNoAgent.add(r.id());
      }
    }
    Map<String, Integer> unusedScopes = new TreeMap<>();
    for (Map.Entry<String, List<String>> t : scopesByTask.entrySet()) {
      Set<String> called = toolsByTask.getOrDefault(t.getKey(), Set.of());
      for (String scope : t.getValue()) {
        boolean used = false;
        for (String tool : called) {
          used |= globs.matches(scope, tool);
        }
        if (!used) {
          unusedScopes.merge(scope, 1, Integer::sum);
        }
      }
    }

    boolean anything = !unusedRules.isEmpty() || !unexercised.isEmpty() || !unusedScopes.isEmpty()
        || !permitsMatchingNoAgent.isEmpty();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy.toString());
      m.put("policyVersion", doc.set().version());
      m.put("policyVersionInTrail", versionSeen);
      m.put("tasks", scopesByTask.size());
      m.put("unusedRules", unusedRules);
      m.put("unusedScopes", unusedScopes);
      m.put("unexercisedPermits", unexercised);
      m.put("permitsMatchingNoAgent", permitsMatchingNoAgent);
      Json.print(out, m);
    } else {
      if (!versionSeen) {
        out.println("note: no decision in the trail was made under " + doc.set().version() + " (" + policy
            + "); rule ids are compared by name");
      }
      out.println("rules that never decided a call (" + unusedRules.size() + " of " + doc.rules().size() + "): "
          + (unusedRules.isEmpty() ? "none" : String.join(", ", unusedRules)));
      out.println("scopes asked for and never used (" + unusedScopes.size() + "):"
          + (unusedScopes.isEmpty() ? " none" : ""));
      unusedScopes.forEach((s, n) -> out.println("  " + Terminal.safe(s) + "  asked for and unused by " + n
          + " task(s)"));
      out.println("agents with permits they never exercised (" + unexercised.size() + "):"
          + (unexercised.isEmpty() ? " none" : ""));
      unexercised.forEach((a, rules) -> out.println("  " + Terminal.safe(a) + ": " + String.join(", ", rules)));
      if (!permitsMatchingNoAgent.isEmpty()) {
        out.println("permits whose agents never appear in the trail: " + String.join(", ", permitsMatchingNoAgent));
      }
    }
    return damaged.exitCode(failOnUnused && anything ? Main.BAD : Main.OK);
  }
}
