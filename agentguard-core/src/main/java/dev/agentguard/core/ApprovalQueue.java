package dev.agentguard.core;

import dev.agentguard.ApprovalHandler;
import dev.agentguard.ApprovalRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ApprovalHandler} that holds each request until another thread (a UI, a chat command, a
 * test) approves or refuses it. Get one from {@link Approvals#inMemory()} and pass it to
 * {@link AgentGuard.Builder#approvals(ApprovalHandler)}.
 *
 * <p>A request leaves the queue when it is answered, or when the guard stops waiting for it
 * (deadline, revocation, task close): answering it then returns {@code false} and changes nothing.
 *
 * <p>Thread-safe.
 *
 * @since 0.2.0
 */
public interface ApprovalQueue extends ApprovalHandler {
  /** The requests waiting for an answer, oldest first (a snapshot). */
  List<ApprovalRequest> pending();

  /**
   * Waits for a request to be pending.
   *
   * @param wait how long to wait at most
   * @return the oldest pending request, or empty when none arrived in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  Optional<ApprovalRequest> awaitPending(Duration wait) throws InterruptedException;

  /**
   * Approves one pending request for its own call only.
   *
   * @param approvalId the request's id
   * @param approver who approves
   * @return whether the request was pending (false: unknown, already answered or withdrawn)
   */
  boolean approve(String approvalId, String approver);

  /**
   * Approves one pending request for its call and the next {@code calls - 1} calls of the same tool
   * in the same task.
   *
   * @param approvalId the request's id
   * @param calls how many calls the approval covers, 1 to {@link dev.agentguard.ApprovalAnswer#MAX_CALLS}
   * @param approver who approves
   * @return whether the request was pending
   * @throws IllegalArgumentException if {@code calls} is out of range
   */
  boolean approve(String approvalId, int calls, String approver);

  /**
   * Refuses one pending request.
   *
   * @param approvalId the request's id
   * @param approver who refuses
   * @return whether the request was pending
   */
  boolean refuse(String approvalId, String approver);
}
