package dev.agentguard.core;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.internal.approval.ApprovalReasons;
import java.util.Objects;

/**
 * The one-line text a framework adapter hands the model in place of a denied tool's result:
 * {@code "DENIED <CODE>: <reason>"}, the same for every call with that code, e.g.
 * {@code "DENIED OUT_OF_SCOPE: this tool is not available to the current task"}.
 *
 * <p>The text never holds rule ids, policy text, argument values, reasons from the decision or
 * credentials, so it is safe to show to a model that may be hostile. Every adapter (LangChain4j,
 * Spring AI, MCP) uses this class, so a model sees the same words whichever framework runs it.
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.2.0
 */
public final class DenialText {
  private DenialText() {}

  /**
   * The model-facing text for a denial with {@code code}.
   *
   * @throws NullPointerException if {@code code} is null
   */
  public static String of(DenyCode code) {
    Objects.requireNonNull(code, "code");
    return "DENIED " + code.name() + ": " + reason(code);
  }

  /**
   * The model-facing text for a denied decision: {@link #of(DenyCode)} of its code, except for the
   * outcomes of a human approval, which say what the model can act on:
   * {@code "DENIED APPROVAL_DENIED: approval was requested and refused by <approver>; do not retry this call"}
   * (the approver as the audit trail keeps it: bounded, invisible characters escaped) and
   * {@code "DENIED APPROVAL_REQUIRED: approval was requested but not given in time"}.
   *
   * @param decision a deny
   * @throws NullPointerException if {@code decision} is null
   * @throws IllegalArgumentException if {@code decision} is an allow
   * @since 0.2.0
   */
  public static String of(Decision decision) {
    Objects.requireNonNull(decision, "decision");
    if (decision.allowed()) {
      throw new IllegalArgumentException("an allow has no denial text");
    }
    String approver = ApprovalReasons.refusedBy(decision);
    if (approver != null) {
      return "DENIED APPROVAL_DENIED: approval was requested and refused by " + approver + "; do not retry this call";
    }
    if (ApprovalReasons.timedOut(decision)) {
      return "DENIED APPROVAL_REQUIRED: approval was requested but not given in time";
    }
    return of(decision.code());
  }

  /** Exhaustive on purpose: a new deny code fails compilation here until it has its own words. */
  private static String reason(DenyCode code) {
    return switch (code) {
      case NO_TASK -> "no task is running for this conversation";
      case CREDENTIAL_EXPIRED -> "the task's credential has expired";
      case CREDENTIAL_REVOKED -> "the task's credential was revoked";
      case OUT_OF_SCOPE -> "this tool is not available to the current task";
      case AGENT_UNVERIFIED -> "this tool needs an agent with a verified workload identity";
      case FORBIDDEN -> "a policy forbids this call";
      case NO_MATCHING_PERMIT -> "no policy permits this call";
      case EVALUATION_ERROR -> "the call could not be authorized";
      case LIMIT_EXCEEDED -> "the call limit for this tool is used up";
      case APPROVAL_REQUIRED -> "this call needs a human approval that was not given";
      case APPROVAL_DENIED -> "a human refused this call";
      case AUDIT_UNAVAILABLE -> "the call could not be recorded, so it was not made";
      case POLICY_UNAVAILABLE -> "no policy is available to authorize tool calls";
      case REVOCATION_UNAVAILABLE -> "the guard cannot confirm the task's credential is still valid";
      case SECRET_UNAVAILABLE -> "a credential this tool needs could not be issued";
    };
  }
}
