package dev.agentguard.core;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import java.util.List;
import java.util.Optional;

/**
 * Why a {@link PolicySet} decides a call the way it does: the decision, and for every rule whose
 * {@code tools} and {@code agents} select the call, the value of its condition and of each of its
 * sub-conditions. Returned by {@link PolicySet#explain(AgentIdentity, ToolRequest, TaskState, long)};
 * its {@link #decision()} equals what {@code evaluate} returns for the same arguments.
 *
 * <p>Error texts obey the same rule as deny reasons: they name attribute paths, types and the
 * policy's own text, never a value from the request, the agent or the task. Explaining evaluates
 * every sub-condition (no short-circuit) and allocates; use {@code evaluate} on the hot path.
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * @since 0.2.0
 */
public interface Explanation {
  /** The decision; equal to {@link PolicySet#evaluate(AgentIdentity, ToolRequest, TaskState, long)}'s. */
  Decision decision();

  /**
   * The rules whose {@code tools} match the tool name and whose {@code agents} (if any) match the
   * agent id, expired ones included, sorted by id (unmodifiable).
   */
  List<Rule> rules();

  /** A three-valued condition result. */
  enum Outcome {
    /** The condition holds. */
    TRUE,
    /** The condition does not hold. */
    FALSE,
    /** The condition could not be evaluated (a missing attribute, a type mismatch, ...). */
    ERROR
  }

  /** The shape of a condition node. */
  enum Kind {
    /** {@code a && b && ...}: Kleene and over {@link Condition#children()}. */
    AND,
    /** {@code a || b || ...}: Kleene or over {@link Condition#children()}. */
    OR,
    /** {@code !a}: one child. */
    NOT,
    /** A leaf: a comparison, {@code in}, a method call, a boolean attribute or literal. */
    TEST
  }

  /**
   * One selected rule with its evaluation.
   *
   * <p>Implementations are immutable and thread-safe.
   *
   * @since 0.2.0
   */
  interface Rule extends PolicyRule {
    /** True when {@code expires} is at or before the evaluation time (the rule then never matches). */
    boolean expired();

    /** The condition's value; {@link Outcome#TRUE} for an unconditional rule. Computed even when expired. */
    Outcome outcome();

    /**
     * True when the rule is not expired and its condition is {@link Outcome#TRUE}. (A forbid whose
     * condition is {@link Outcome#ERROR} also denies, with {@code EVALUATION_ERROR}, but is not
     * "matched".)
     */
    boolean matched();

    /** The condition tree, mirroring its {@code &&}, {@code ||} and {@code !}; empty when unconditional. */
    Optional<Condition> conditionTree();
  }

  /**
   * One node of a condition tree with its value.
   *
   * <p>Implementations are immutable and thread-safe.
   *
   * @since 0.2.0
   */
  interface Condition {
    /** AND, OR, NOT or a leaf TEST. */
    Kind kind();

    /** The node's source text as written in the policy (without enclosing parentheses). */
    String text();

    /** The node's value. */
    Outcome outcome();

    /** Why the node is {@link Outcome#ERROR} (paths, types and policy text only); empty otherwise. */
    Optional<String> error();

    /** Sub-conditions in source order: two or more for AND/OR, one for NOT, none for TEST (unmodifiable). */
    List<Condition> children();
  }
}
