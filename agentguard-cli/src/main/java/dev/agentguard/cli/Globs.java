package dev.agentguard.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentguard.AgentIdentity;
import dev.agentguard.PolicyException;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Glob questions the linter asks, answered by the library's own glob semantics: each pattern is
 * compiled once into a one-rule policy whose condition is {@code resource.value.matches('<glob>')},
 * so the CLI never carries a second copy of the matching rules. Not thread-safe (one per command).
 *
 * @since 0.2.0
 */
final class Globs {
  private static final AgentIdentity PROBE_AGENT = AgentIdentity.of("agentguard-cli");
  /** Most (pattern, value) answers remembered; beyond it answers are computed each time. */
  private static final int MAX_MEMO = 100_000;
  private final Map<String, PolicySet> compiled = new HashMap<>();
  private final Map<List<String>, Boolean> memo = new HashMap<>();

  /**
   * {@code true} if {@code glob} matches the whole of {@code value}. A malformed pattern (possible
   * in a tampered trail's scopes), or a value no request attribute can hold, matches nothing.
   */
  boolean matches(String glob, String value) {
    List<String> key = List.of(glob, value);
    Boolean known = memo.get(key);
    if (known != null) {
      return known;
    }
    PolicySet probe = compiled.computeIfAbsent(glob, Globs::compile);
    boolean match;
    try {
      match = probe != null && probe.evaluate(PROBE_AGENT,
          ToolRequest.builder("agentguard.glob-probe").attribute("resource.value", value).build(), null, 0L).allowed();
    } catch (IllegalArgumentException e) {
      match = false; // a value no request could carry matches no rule either
    }
    if (memo.size() < MAX_MEMO) {
      memo.put(key, match);
    }
    return match;
  }

  /** {@code true} if any of {@code globs} matches {@code value}. */
  boolean anyMatches(List<String> globs, String value) {
    for (String g : globs) {
      if (matches(g, value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code true} if every string {@code inner} matches is also matched by {@code outer}. Exact for
   * patterns without {@code **}: a {@code *} of {@code inner}, read as a literal character, can only
   * be matched by a wildcard of {@code outer}, which then also matches anything it stands for. A
   * pattern with {@code **} is only known to be covered by {@code **} or by itself.
   */
  boolean covers(String outer, String inner) {
    if (outer.equals(inner) || outer.equals("**")) {
      return true;
    }
    if (inner.contains("**")) {
      return false;
    }
    return matches(outer, inner);
  }

  /** {@code true} if every pattern of {@code inner} is covered by some pattern of {@code outer}. */
  boolean coversAll(List<String> outer, List<String> inner) {
    for (String i : inner) {
      boolean covered = false;
      for (String o : outer) {
        if (covers(o, i)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  private static PolicySet compile(String glob) {
    String literal = "'" + glob.replace("\\", "\\\\").replace("'", "\\'") + "'";
    ObjectNode rule = Json.MAPPER.createObjectNode()
        .put("id", "glob")
        .put("effect", "permit")
        .put("when", "resource.value.matches(" + literal + ")");
    rule.putArray("tools").add("**");
    ObjectNode doc = Json.MAPPER.createObjectNode().put("version", 1);
    doc.putArray("policies").add(rule);
    try {
      return PolicySet.parse(doc.toString(), "<glob>");
    } catch (PolicyException e) {
      return null;
    }
  }
}
