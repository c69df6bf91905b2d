package dev.agentguard.core.spi;

import dev.agentguard.core.internal.guard.InMemoryRateWindows;

/**
 * Counts calls per agent in fixed one-minute windows, for the policy's {@code maxCallsPerMinute}
 * limits. The guard numbers windows itself, monotonically (a clock step backwards stays in the
 * highest window seen), so an implementation only counts per {@code (agent, limit id, window)}; a
 * fleet-wide implementation counts in a shared store.
 *
 * <p>Failures fail closed: {@link Outcome#UNAVAILABLE} or an exception denies the call with
 * {@code LIMIT_EXCEEDED} and a reason naming the store ({@link #describe()}): a call a limit covers
 * is never allowed uncounted. A slot acquired for a call that is then denied (by the policy, an
 * obligation or the audit trail) is {@linkplain #release released}, so only admitted calls count.
 *
 * <p>Implementations must be thread-safe, and {@link #acquire} atomic: two concurrent acquires of the
 * last slot cannot both be {@link Outcome#ALLOWED}.
 *
 * @since 0.2.0
 */
public interface RateWindows {
  /** What an acquire (or a look) found. */
  enum Outcome {
    /** A slot was free (and, for {@link #acquire}, is now taken). */
    ALLOWED,
    /** The window is full. */
    DENIED,
    /** The counter could not be reached; the guard denies. */
    UNAVAILABLE
  }

  /**
   * The default: windows in this JVM's memory. Memory stays bounded by the agents active in the
   * current window: past windows are dropped once a limit tracks many agents.
   */
  static RateWindows inMemory() {
    return new InMemoryRateWindows();
  }

  /**
   * Takes one slot of the window, atomically, when fewer than {@code max} are taken.
   *
   * @param window the window number (monotonic, one per minute of the guard clock)
   */
  Outcome acquire(String agentId, String limitId, long window, long max);

  /** Whether a slot is free, taking none (for dry runs). */
  Outcome available(String agentId, String limitId, long window, long max);

  /** Gives back a slot taken by {@link #acquire} for a call that was denied after all. */
  void release(String agentId, String limitId, long window);

  /**
   * A short description of where the windows are counted, for deny reasons (for example
   * {@code "redis 10.0.0.5:6379 namespace prod"}); never a password or any other secret. Defaults to
   * the class's simple name.
   *
   * @since 0.2.0
   */
  default String describe() {
    String name = getClass().getSimpleName();
    return name.isEmpty() ? "rate window store" : name;
  }
}
