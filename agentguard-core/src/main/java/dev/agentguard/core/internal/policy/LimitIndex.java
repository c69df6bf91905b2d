package dev.agentguard.core.internal.policy;

import dev.agentguard.core.PolicyLimit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call limits of one policy set, looked up by tool name and agent id; per-tool and per-agent
 * results are cached in bounded concurrent maps (beyond the bounds they are computed per call).
 * Immutable after construction apart from the caches; thread-safe.
 */
final class LimitIndex {
  private final List<Limit> limits;
  private final ConcurrentHashMap<String, LimitCandidates> cache = new ConcurrentHashMap<>();

  LimitIndex(List<Limit> limits) {
    this.limits = List.copyOf(limits);
  }

  /** Limits for one tool name. */
  private static final class LimitCandidates {
    final List<PolicyLimit> anyAgent;
    final List<Limit> all;
    final boolean agentDependent;
    final ConcurrentHashMap<String, List<PolicyLimit>> byAgent = new ConcurrentHashMap<>();

    LimitCandidates(List<Limit> matching) {
      List<Limit> sorted = new ArrayList<>(matching);
      sorted.sort(Comparator.comparing(l -> l.id));
      all = List.copyOf(sorted);
      boolean dep = false;
      List<PolicyLimit> any = new ArrayList<>();
      for (Limit l : sorted) {
        if (l.agentGlobs == null) {
          any.add(l);
        } else {
          dep = true;
        }
      }
      anyAgent = List.copyOf(any);
      agentDependent = dep;
    }
  }

  /** The limits whose tools match the tool and whose agents (if any) match the agent, sorted by id. */
  List<PolicyLimit> limitsFor(String tool, String agentId) {
    if (limits.isEmpty()) {
      return List.of();
    }
    LimitCandidates lc = cache.get(tool);
    if (lc == null) {
      List<Limit> matching = new ArrayList<>();
      for (Limit l : limits) {
        if (l.toolMatches(tool)) {
          matching.add(l);
        }
      }
      lc = new LimitCandidates(matching);
      if (cache.size() < CompiledPolicySet.MAX_CACHED_TOOLS) {
        LimitCandidates prev = cache.putIfAbsent(tool, lc);
        if (prev != null) {
          lc = prev;
        }
      }
    }
    if (!lc.agentDependent) {
      return lc.anyAgent;
    }
    List<PolicyLimit> cached = lc.byAgent.get(agentId);
    if (cached != null) {
      return cached;
    }
    List<PolicyLimit> out = new ArrayList<>();
    for (Limit l : lc.all) {
      if (l.agentMatches(agentId)) {
        out.add(l);
      }
    }
    List<PolicyLimit> result = List.copyOf(out);
    if (lc.byAgent.size() < CompiledPolicySet.MAX_CACHED_AGENTS_PER_TOOL) {
      lc.byAgent.putIfAbsent(agentId, result);
    }
    return result;
  }
}
