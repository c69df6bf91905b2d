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
 * reported. When the tool has no wildcard-agent rules and few any-agent rules ({@link #planned}),
 * each exact agent's lists already hold the any-agent rules too, so a decision scans one list of
 * forbids and one of permits. Immutable apart from the bounded per-agent cache; thread-safe.
 */
final class ToolCandidates {
  static final CompiledRule[] NONE = new CompiledRule[0];
  /** Most any-agent rules of one effect merged into every exact agent's list (more would cost heap per agent). */
  static final int MERGE_LIMIT = 8;

  final CompiledRule[] anyForbid;
  final CompiledRule[] anyPermit;
  final CompiledRule[] globForbid;
  final CompiledRule[] globPermit;
  /** Per agent id: {forbids, permits} among the wildcard-agent rules that match it (bounded). */
  final ConcurrentHashMap<String, CompiledRule[][]> globByAgent = new ConcurrentHashMap<>();
  /**
   * Agent id to {forbids, permits} of the rules naming it; when {@link #planned}, merged by id with
   * {@link #anyForbid} and {@link #anyPermit} (an unmerged list is shared, not copied).
   */
  final Map<String, CompiledRule[][]> exact;
  /**
   * Whether {@link #exact} (or, for an agent it does not name, {@link #anyForbid} and
   * {@link #anyPermit}) holds every rule that can select a call: no wildcard-agent rules, and at
   * most {@link #MERGE_LIMIT} any-agent rules of each effect.
   */
  final boolean planned;
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
    planned = globForbid.length == 0 && globPermit.length == 0 && anyForbid.length <= MERGE_LIMIT
        && anyPermit.length <= MERGE_LIMIT;
    Map<String, CompiledRule[][]> m = new HashMap<>();
    for (Map.Entry<String, List<List<CompiledRule>>> me : ex.entrySet()) {
      CompiledRule[] forbids = sorted(me.getValue().get(0));
      CompiledRule[] permits = sorted(me.getValue().get(1));
      if (planned) {
        forbids = merged(anyForbid, forbids);
        permits = merged(anyPermit, permits);
      }
      m.put(me.getKey(), new CompiledRule[][] {forbids, permits});
    }
    exact = m;
    readsClock = clock;
  }

  /** The rules of two id-sorted arrays sorted by id; one of them itself when the other is empty. */
  private static CompiledRule[] merged(CompiledRule[] a, CompiledRule[] b) {
    if (a.length == 0) {
      return b;
    }
    if (b.length == 0) {
      return a;
    }
    CompiledRule[] out = new CompiledRule[a.length + b.length];
    int i = 0;
    int j = 0;
    for (int k = 0; k < out.length; k++) {
      out[k] = j >= b.length || (i < a.length && a[i].id.compareTo(b[j].id) < 0) ? a[i++] : b[j++];
    }
    return out;
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
