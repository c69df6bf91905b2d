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
  final GlobList agents; // null = any agent; shared between rules naming the same patterns
  final GlobList tools; // shared between rules naming the same patterns
  final String when; // nullable
  final Expr.Cond cond;
  final Instant expires; // nullable
  /** {@code mode: shadow}: evaluated and recorded, never deciding ({@link ModalRules}). */
  final boolean shadow;
  /** {@code approval: required} (permits only): allows only once approved ({@link ModalRules}). */
  final boolean approval;

  Rule(String id, String description, boolean forbid, List<String> agents, List<String> tools,
      String when, Expr.Cond cond, Instant expires) {
    this(id, description, forbid, agents, tools, when, cond, expires, false, false);
  }

  Rule(String id, String description, boolean forbid, List<String> agents, List<String> tools,
      String when, Expr.Cond cond, Instant expires, boolean shadow, boolean approval) {
    this.shadow = shadow;
    this.approval = approval;
    this.id = id;
    this.description = description;
    this.forbid = forbid;
    this.agents = agents == null ? null : GlobList.of(agents); // shared when the reader interned it
    this.tools = GlobList.of(tools);
    this.when = when;
    this.cond = cond == null ? Logic.Const.TRUE_C : cond;
    this.expires = expires;
  }

  /** Whether the rule has an expiry at or before {@code now} (epoch millis). */
  boolean expiredAt(long now) {
    return expires != null && millis(expires) <= now; // computed, not stored: 8 bytes per rule
  }

  private static long millis(Instant i) {
    try {
      return i.toEpochMilli();
    } catch (ArithmeticException e) {
      return i.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * Whether deciding this rule may need the current time: it has an expiry, or its condition may
   * read {@code time.*} or {@code task.ageSeconds}. Conservative: decided on the condition's text,
   * where every attribute path appears as written (a string literal containing {@code time} only
   * costs a clock read, never a wrong decision).
   */
  boolean readsClock() {
    return expires != null || (when != null && (when.contains("time") || when.contains("ageSeconds")));
  }

  boolean agentMatches(String agentId) {
    if (agents == null) {
      return true;
    }
    return Glob.anyMatches(agents.globs, agentId);
  }

  boolean toolMatches(String tool) {
    return Glob.anyMatches(tools.globs, tool);
  }
}
