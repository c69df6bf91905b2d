package dev.agentguard.core;

import dev.agentguard.core.internal.approval.InMemoryApprovalQueue;

/**
 * Built-in {@link dev.agentguard.ApprovalHandler}s. Thread-safe (stateless).
 *
 * @since 0.2.0
 */
public final class Approvals {
  private Approvals() {}

  /**
   * A new in-memory queue: each request waits until another thread answers it. For tests, demos and
   * single-process apps; requests do not survive a restart.
   */
  public static ApprovalQueue inMemory() {
    return new InMemoryApprovalQueue();
  }
}
