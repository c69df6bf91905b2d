package dev.agentguard;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * A running task: the unit that holds a short-lived credential and under which every guarded call
 * runs. Started by {@code AgentGuard.startTask(spec)}, which binds it to the current thread, or
 * opened by {@code AgentGuard.openTask(spec)}, which binds it to no thread until work
 * {@link #wrap(Runnable) wrapped} with it runs.
 *
 * <p>{@link #close()} unbinds it from the thread, revokes its credential and records
 * {@code task.completed}; it is idempotent. Use it in try-with-resources:
 *
 * <pre>{@code
 * try (AgentTask task = guard.startTask(spec)) {
 *   tools.read("T-1");
 * }
 * }</pre>
 *
 * <p>Thread-safe. To run work of this task on another thread, {@link #wrap(Runnable) wrap} it.
 *
 * @since 0.1.0
 */
public interface AgentTask extends TaskState, AutoCloseable {
  /** The agent the task runs as. */
  AgentIdentity agent();

  /** The task's credential. Its token is a secret: do not log it. */
  TaskCredential credential();

  /** Whether the credential's scopes cover a tool name (the check every call makes first). */
  boolean inScope(String tool);

  /** Whether the task is still open (not closed and not revoked). */
  boolean isOpen();

  /**
   * Returns a runnable that binds this task while {@code r} runs on whatever thread runs it, and then
   * restores what that thread had bound before, also when {@code r} throws. The same task may be
   * bound on several threads at once. Once the task is closed, the binding is of a closed task:
   * guarded calls in {@code r} are denied {@code NO_TASK}, never decided under a task the thread had
   * bound before.
   */
  Runnable wrap(Runnable r);

  /** As {@link #wrap(Runnable)}, for a callable. */
  <V> Callable<V> wrap(Callable<V> c);

  /** An executor that runs every submitted runnable under this task. */
  default Executor wrap(Executor executor) {
    return command -> executor.execute(wrap(command));
  }

  /**
   * Unbinds the task from this thread, stops new calls on it, waits (bounded by the guard's
   * {@code taskCloseTimeout}, default 5 s) for calls of other threads still in flight so that
   * {@code task.completed} is the task's last event, then revokes its credential and records
   * completion. Past the bound it closes anyway and {@code task.completed} carries
   * {@code task.callsInFlight}. Idempotent.
   */
  @Override
  void close();
}
