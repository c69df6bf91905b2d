package dev.agentguard.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of one rule of a {@link PolicySet}, as written in the document: what a linter or
 * a reviewer reads. Obtained from {@link PolicySet#rules()} and, with its evaluation, from
 * {@link Explanation#rules()}.
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * @since 0.2.0
 */
public interface PolicyRule {
  /** Whether a rule allows or denies. */
  enum Effect {
    /** The rule allows the call when its condition is true (and no forbid qualifies). */
    PERMIT,
    /** The rule denies the call when its condition is true or cannot be evaluated. */
    FORBID
  }

  /** The rule id (unique in its document). */
  String id();

  /** Permit or forbid. */
  Effect effect();

  /** The {@code description}, if the document gives one. */
  Optional<String> description();

  /** The {@code tools} globs, in document order (unmodifiable, never empty). */
  List<String> tools();

  /** The {@code agents} globs in document order (unmodifiable); empty when the rule applies to any agent. */
  List<String> agents();

  /** The {@code expires} instant, if any; the rule never matches at or after it. */
  Optional<Instant> expires();

  /** The {@code when} condition as written, if any. */
  Optional<String> condition();

  /**
   * True for {@code mode: shadow}: the rule is evaluated and its result recorded, but it never
   * changes a decision.
   *
   * @since 0.2.0
   */
  default boolean shadow() {
    return false;
  }

  /**
   * True for {@code approval: required} (permit rules only): a call it permits runs only once an
   * {@code ApprovalHandler} approved it; until then it is denied {@code APPROVAL_REQUIRED}.
   *
   * @since 0.2.0
   */
  default boolean approvalRequired() {
    return false;
  }

  /** True when the rule has no {@code when} condition (it matches every call its tools and agents select). */
  default boolean unconditional() {
    return condition().isEmpty();
  }
}
