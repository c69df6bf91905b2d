package dev.agentguard.core.spi;

import dev.agentguard.AgentTask;
import dev.agentguard.Decision;
import dev.agentguard.ToolRequest;

/**
 * What must happen before an allowed call may run: the step after the policy allowed and before the
 * decision is admitted to the audit trail (an approval handler, a second factor). It can only deny
 * or pass: it never turns a deny into an allow, and it is not asked about denied calls.
 *
 * <p>Returning {@code null} passes; returning a deny denies with its code (for example
 * {@code APPROVAL_REQUIRED} or {@code APPROVAL_DENIED}). Returning an allow, or throwing, denies with
 * {@code EVALUATION_ERROR}. Budgets taken for the call are given back on a deny.
 *
 * <p>The guard's built-in approval ({@code approval: required} rules and the configured
 * {@code ApprovalHandler}) runs first; this step then runs on every allow, approved ones included.
 *
 * <p>Implementations must be thread-safe: one instance serves every call. The default does nothing.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface ObligationStep {
  /** The default: no obligations. */
  static ObligationStep none() {
    return (request, task, allow) -> null;
  }

  /**
   * Decides whether an allowed call may go on.
   *
   * @param request the request the policy allowed
   * @param task the task the call runs under
   * @param allow the policy's allow
   * @return {@code null} to pass, or a deny
   */
  Decision check(ToolRequest request, AgentTask task, Decision allow);
}
