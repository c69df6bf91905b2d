package dev.agentguard;

import java.util.Objects;

/**
 * An {@link ApprovalHandler}'s answer: approved (for this call, or for this call and the following
 * calls of the same tool in the same task, up to a count) or refused, and who answered.
 *
 * <p>An approval for several calls never outlives its task or the task's credential: it is consulted
 * only after the call passed the credential, revocation, scope and policy checks, it is bound to the
 * credential it was granted under, and revoking or closing the task cancels it. The policy still
 * decides every covered call: a forbid that matches a later call denies it.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class ApprovalAnswer {
  /** The most calls one approval may cover. */
  public static final int MAX_CALLS = 1000;

  private final boolean approved;
  private final int calls;
  private final String approver;

  private ApprovalAnswer(boolean approved, int calls, String approver) {
    this.approved = approved;
    this.calls = calls;
    this.approver = Objects.requireNonNull(approver, "approver");
  }

  /**
   * Approves this one call.
   *
   * @param approver who approved (for example {@code "user:bob"}); untrusted text, bounded on use
   * @throws NullPointerException if {@code approver} is null
   */
  public static ApprovalAnswer approve(String approver) {
    return new ApprovalAnswer(true, 1, approver);
  }

  /**
   * Approves this call and the next {@code calls - 1} calls of the same tool in the same task.
   *
   * @param calls how many calls the approval covers, this one included: 1 to {@link #MAX_CALLS}
   * @param approver who approved; untrusted text, bounded on use
   * @throws IllegalArgumentException if {@code calls} is out of range
   * @throws NullPointerException if {@code approver} is null
   */
  public static ApprovalAnswer approveCalls(int calls, String approver) {
    if (calls < 1 || calls > MAX_CALLS) {
      throw new IllegalArgumentException("an approval covers 1 to " + MAX_CALLS + " calls, got " + calls);
    }
    return new ApprovalAnswer(true, calls, approver);
  }

  /**
   * Refuses the call.
   *
   * @param approver who refused; untrusted text, bounded on use
   * @throws NullPointerException if {@code approver} is null
   */
  public static ApprovalAnswer refuse(String approver) {
    return new ApprovalAnswer(false, 0, approver);
  }

  /** Whether the call was approved. */
  public boolean approved() {
    return approved;
  }

  /** How many calls the approval covers, this one included; 0 for a refusal. */
  public int calls() {
    return calls;
  }

  /** Who answered, as the handler gave it (untrusted). */
  public String approver() {
    return approver;
  }

  @Override
  public String toString() {
    return approved ? "ApprovalAnswer{approved calls=" + calls + "}" : "ApprovalAnswer{refused}";
  }
}
