package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.PermitReasons;
import java.util.List;

/**
 * A rule of one compiled policy set with its precomputed decision and the reason texts its
 * evaluation errors produce; shared by the indexed engine and the explainer so both say the same.
 * Immutable and thread-safe.
 */
final class CompiledRule {
  // compact: what the rule already holds (condition, expiry) is read through it, not copied
  final Rule rule;
  final String id;
  final Decision decision;

  CompiledRule(Rule rule, String version) {
    this.rule = rule;
    this.id = rule.id;
    this.decision = rule.forbid
        ? Decision.deny(DenyCode.FORBIDDEN, List.of("forbidden by " + rule.id), List.of(rule.id), version)
        : rule.approval ? ModalRules.approvalRequired(rule.id, version)
        : Decision.allow(PermitReasons.of(rule.id), List.of(rule.id), version);
  }

  boolean expiredAt(long now) {
    return rule.expiredAt(now);
  }

  /** The condition's value; see {@link #test(Expr.Cond, AgentIdentity, ToolRequest, TaskState, long)}. */
  int test(AgentIdentity a, ToolRequest r, TaskState t, long now) {
    return test(rule.cond, a, r, t, now);
  }

  /** Why {@link #test} errored. */
  String why(AgentIdentity a, ToolRequest r, TaskState t, long now) {
    return why(rule.cond, a, r, t, now);
  }

  /**
   * A node's value; a runtime exception from host-supplied state (a task context or agent
   * attributes that throw) is an {@link Expr#ERROR}, never an escaping exception.
   */
  static int test(Expr.Cond c, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    try {
      return c.test(a, r, t, now);
    } catch (RuntimeException ex) {
      return Expr.ERROR;
    }
  }

  /** Why a node errored; names an exception by its type only, never by its message. */
  static String why(Expr.Cond c, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    try {
      return c.why(a, r, t, now);
    } catch (RuntimeException ex) {
      return "evaluation failed (" + ex.getClass().getSimpleName() + ")";
    }
  }

  /** The deny of a forbid whose condition errored. */
  Decision forbidError(String why) {
    return Decision.deny(DenyCode.EVALUATION_ERROR, List.of("forbid " + id + " could not be evaluated: " + why),
        List.of(id), decision.policyVersion());
  }

  /** The reason listed for a permit whose condition errored. */
  String permitError(String why) {
    return "permit " + id + " could not be evaluated: " + why;
  }

  /** The deny when no permit matched, with the errors of the permits that could not be evaluated (by id). */
  static Decision noPermit(List<String> permitErrors, String version) {
    List<String> reasons = new java.util.ArrayList<>(permitErrors.size() + 1);
    reasons.add("no permit rule matched");
    reasons.addAll(permitErrors);
    return Decision.deny(DenyCode.NO_MATCHING_PERMIT, reasons, List.of(), version);
  }
}
