package dev.agentguard.core.internal.policy;

import dev.agentguard.core.internal.Glob;
import java.time.Instant;
import java.util.List;

/**
 * One parsed and compiled rule of a policy document. Immutable and thread-safe.
 */
final class Rule {
  final String id;
  final String description; // nullable
  final boolean forbid;
  final List<String> agents; // null = any agent
  final Glob[] agentGlobs; // null = any agent
  final List<String> tools;
  final Glob[] toolGlobs;
  final String when; // nullable
  final Expr.Cond cond;
  final Instant expires; // nullable
  final long expiresAtMillis;
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
    this.agents = agents == null ? null : List.copyOf(agents);
    this.agentGlobs = agents == null ? null : agents.stream().map(Glob::compile).toArray(Glob[]::new);
    this.tools = List.copyOf(tools);
    this.toolGlobs = tools.stream().map(Glob::compile).toArray(Glob[]::new);
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
