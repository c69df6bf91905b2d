package dev.agentguard.mcp;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a callable on a fresh, short-lived thread and waits for it.
 *
 * <p>{@code AgentGuard.startTask} binds the new task to the calling thread until the task closes.
 * Started on a Reactor pool thread, a session's task would stay bound there and be seen by the next
 * caller's job on that thread. Started here, the binding dies with the thread; the adapter then binds
 * the task only around each call, through {@code AgentTask.wrap}.
 */
final class Detached {
  private Detached() {}

  static <V> V call(Callable<V> callable) {
    AtomicReference<V> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        result.set(callable.call());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "agentguard-mcp-task-start");
    t.setDaemon(true);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    if (e instanceof Error) {
      throw (Error) e;
    }
    if (e != null) {
      throw new IllegalStateException(e);
    }
    return result.get();
  }
}
