package dev.agentguard.core.internal.guard;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls in flight on one task, from the task check until their outcome is recorded, counted
 * without an allocation per call: one counter for the task, and per thread a small table of how
 * many of them are that thread's own. A close can so wait for the calls of other threads
 * ({@code total - own}) and never for the closing thread's own call (a tool that closes its own
 * task). {@link #enter} and {@link #exit} of one call run on the same thread.
 *
 * <p>A thread's table holds a task only while that thread has a call in flight on it (its slot is
 * cleared when its count drops to zero), so no finished task stays reachable from a pooled thread;
 * it grows only with the number of tasks a thread has calls in flight on at once (nested calls
 * under {@code AgentTask.wrap}), allocated once per thread, not per call.
 *
 * <p>Thread-safe.
 */
final class InFlightCalls {
  private static final ThreadLocal<Own> OWN = ThreadLocal.withInitial(Own::new);

  private final AtomicLong total = new AtomicLong();

  /** Marks a call of the current thread as in flight. */
  void enter() {
    OWN.get().add(this, 1);
    total.incrementAndGet();
  }

  /** Ends an in-flight mark of the current thread. */
  void exit() {
    if (OWN.get().add(this, -1)) {
      total.decrementAndGet();
    }
  }

  /** How many calls of threads other than the current one are in flight. */
  long ofOtherThreads() {
    return total.get() - OWN.get().count(this);
  }

  /** One thread's own in-flight calls, per task: parallel arrays, a free slot is a null task. */
  private static final class Own {
    private InFlightCalls[] tasks = new InFlightCalls[2];
    private int[] counts = new int[2];

    /** Adds {@code delta} to the count of {@code t}; false (nothing changed) when exiting a task this thread is not in. */
    boolean add(InFlightCalls t, int delta) {
      int free = -1;
      for (int i = 0; i < tasks.length; i++) {
        if (tasks[i] == t) {
          counts[i] += delta;
          if (counts[i] == 0) {
            tasks[i] = null;
          }
          return true;
        }
        if (tasks[i] == null && free < 0) {
          free = i;
        }
      }
      if (delta < 0) {
        return false;
      }
      if (free < 0) {
        free = tasks.length;
        tasks = Arrays.copyOf(tasks, 2 * free);
        counts = Arrays.copyOf(counts, 2 * free);
      }
      tasks[free] = t;
      counts[free] = delta;
      return true;
    }

    int count(InFlightCalls t) {
      for (int i = 0; i < tasks.length; i++) {
        if (tasks[i] == t) {
          return counts[i];
        }
      }
      return 0;
    }
  }
}
