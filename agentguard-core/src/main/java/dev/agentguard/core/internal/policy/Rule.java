package dev.agentguard.core.internal.policy;

import dev.agentguard.core.internal.Glob;
import java.time.Instant;
import java.util.List;

/**
 * One parsed and compiled rule of a policy document. What rules repeat (pattern lists and their
 * globs, condition texts and trees) is shared between them, not copied per rule. Immutable and
 * thread-safe.
 */
final class Rule {
  final String id;
  final String description; // nullable
  final boolean forbid;
  final List<String> agents; // null = any agent; shared between rules naming the same patterns
  final Glob[] agentGlobs; // null = any agent; shared, never written
  final List<String> tools; // shared between rules naming the same patterns
  final Glob[] toolGlobs; // shared, never written
  final String when; // nullable
  final Expr.Cond cond;
  final Instant expires; // nullable
  final long expiresAtMillis;

  Rule(String id, String description, boolean forbid, List<String> agents, List<String> tools,
      String when, Expr.Cond cond, Instant expires) {
    this.id = id;
    this.description = description;
    this.forbid = forbid;
    GlobList a = agents == null ? null : GlobList.of(agents); // shared when the reader interned it
    GlobList t = GlobList.of(tools);
    this.agents = a;
    this.agentGlobs = a == null ? null : a.globs;
    this.tools = t;
    this.toolGlobs = t.globs;
    this.when = when;
    this.cond = cond == null ? Logic.Const.TRUE_C : cond;
    this.expires = expires;
    this.expiresAtMillis = expires == null ? Long.MAX_VALUE : millis(expires);
  }

  private static long millis(Instant i) {
    try {
      return i.toEpochMilli();
    } catch (ArithmeticException e) {
      return i.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  boolean agentMatches(String agentId) {
    if (agentGlobs == null) {
      return true;
    }
    return Glob.anyMatches(agentGlobs, agentId);
  }

  boolean toolMatches(String tool) {
    return Glob.anyMatches(toolGlobs, tool);
  }
}
