package dev.agentguard.core.internal.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The candidate rules of one tool name, split by how they select agents (any agent, exact ids,
 * wildcard globs) and by effect, each group sorted by id so the first qualifying rule is the one
 * reported. Immutable apart from the bounded per-agent cache; thread-safe.
 */
final class ToolCandidates {
  static final CompiledRule[] NONE = new CompiledRule[0];

  final CompiledRule[] anyForbid;
  final CompiledRule[] anyPermit;
  final CompiledRule[] globForbid;
  final CompiledRule[] globPermit;
  /** Per agent id: {forbids, permits} among the wildcard-agent rules that match it (bounded). */
  final ConcurrentHashMap<String, CompiledRule[][]> globByAgent = new ConcurrentHashMap<>();
  final Map<String, CompiledRule[][]> exact; // agent id -> {forbids, permits}
  /** Whether any of these rules may need the current time ({@link Rule#readsClock()}). */
  final boolean readsClock;

  ToolCandidates(List<CompiledRule> entries) {
    List<CompiledRule> af = new ArrayList<>();
    List<CompiledRule> ap = new ArrayList<>();
    List<CompiledRule> gf = new ArrayList<>();
    List<CompiledRule> gp = new ArrayList<>();
    Map<String, List<List<CompiledRule>>> ex = new HashMap<>();
    boolean clock = false;
    for (CompiledRule e : entries) {
      Rule r = e.rule;
      clock |= r.readsClock();
      if (r.agents == null) {
        (r.forbid ? af : ap).add(e);
        continue;
      }
      boolean hasGlob = false;
      Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < r.agents.globs.length; i++) {
        if (r.agents.globs[i].isLiteral()) {
          String a = r.agents.get(i);
          if (seen.add(a)) {
            ex.computeIfAbsent(a, k -> List.of(new ArrayList<>(), new ArrayList<>())).get(r.forbid ? 0 : 1).add(e);
          }
        } else {
          hasGlob = true;
        }
      }
      if (hasGlob) {
        (r.forbid ? gf : gp).add(e);
      }
    }
    anyForbid = sorted(af);
    anyPermit = sorted(ap);
    globForbid = sorted(gf);
    globPermit = sorted(gp);
    Map<String, CompiledRule[][]> m = new HashMap<>();
    for (Map.Entry<String, List<List<CompiledRule>>> me : ex.entrySet()) {
      m.put(me.getKey(), new CompiledRule[][] {sorted(me.getValue().get(0)), sorted(me.getValue().get(1))});
    }
    exact = m;
    readsClock = clock;
  }

  private static CompiledRule[] sorted(List<CompiledRule> l) {
    if (l.isEmpty()) {
      return NONE;
    }
    CompiledRule[] a = l.toArray(NONE);
    java.util.Arrays.sort(a, Comparator.comparing(e -> e.id));
    return a;
  }
}
