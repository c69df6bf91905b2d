package dev.agentguard;

import java.util.concurrent.CompletionStage;

/**
 * Asks a human (or a process standing in for one) whether a call that a policy permits only with
 * approval ({@code approval: required}) may run. The guard calls {@link #request} once per call that
 * needs an approval not already granted, off the calling thread, and waits for the returned stage
 * up to the request's {@linkplain ApprovalRequest#deadline() deadline}; the calling thread stays
 * blocked (parked) meanwhile.
 *
 * <p>Fail closed: no handler, a handler that throws, returns {@code null}, completes exceptionally
 * or with {@code null}, or does not complete by the deadline, denies the call with
 * {@link DenyCode#APPROVAL_REQUIRED}. A refusal denies it with {@link DenyCode#APPROVAL_DENIED}. An
 * answer after the deadline changes nothing; the guard then tries to cancel the stage (through
 * {@code toCompletableFuture().cancel(false)}) so a queue can withdraw the request.
 *
 * <p>Implementations must be thread-safe and should return promptly (hand the question to a UI, a
 * chat, a queue, and complete the stage later from any thread). The approver string of an answer is
 * treated as untrusted text: it is bounded and stripped of invisible characters before it enters the
 * audit trail or a model-facing denial.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface ApprovalHandler {
  /**
   * Asks for an approval.
   *
   * @param request what is asked: agent, principal, task, tool, frozen attributes (redacted values as
   *     digests), the rules that demand approval, and the deadline
   * @return a stage completed with the answer
   */
  CompletionStage<ApprovalAnswer> request(ApprovalRequest request);
}
