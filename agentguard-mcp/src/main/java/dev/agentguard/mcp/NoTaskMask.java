package dev.agentguard.mcp;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import java.util.Optional;

/**
 * A closed task of the server's guard, bound around the call of a caller that has no task when a
 * task of the guard is already bound to the server thread (the application left it there). A closed
 * task binds nothing usable (see {@code AgentGuard.openTask}), so the guard denies the call
 * {@code NO_TASK} and records it instead of deciding it under the task left behind.
 *
 * <p>Opened and closed once, the first time such a thread is seen: its {@code task.started} and
 * {@code task.completed} name {@link #AGENT} and say why. Thread-safe.
 */
final class NoTaskMask {
  /** The agent the mask task is recorded as: it never makes a call. */
  static final AgentIdentity AGENT = AgentIdentity.of("agentguard-mcp.no-task");

  private final AgentGuard guard;
  private volatile AgentTask closed;

  NoTaskMask(AgentGuard guard) {
    this.guard = guard;
  }

  /** The closed mask task, or empty when the guard opens no task (it is closed, or its trail refuses). */
  Optional<AgentTask> get() {
    AgentTask t = closed;
    if (t == null) {
      synchronized (this) {
        t = closed;
        if (t == null) {
          try {
            t = guard.openTask(TaskSpec.builder(AGENT)
                .purpose("masks a task the application left bound to an MCP server thread")
                .scopes("agentguard-mcp.none")
                .build());
          } catch (RuntimeException e) {
            return Optional.empty();
          }
          t.close();
          closed = t;
        }
      }
    }
    return Optional.of(t);
  }
}
