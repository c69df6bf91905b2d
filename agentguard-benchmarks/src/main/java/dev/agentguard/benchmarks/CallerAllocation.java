package dev.agentguard.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * Bytes the caller's thread allocates per guarded LOW-risk call (not JMH; load-independent): the
 * standard guard scenario with the discard sink and {@code GAP} overflow ({@link GuardFixture},
 * {@code discard-gap}), so the caller never waits; warms up, then reads the calling thread's
 * allocation counter ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) around
 * {@code calls} calls. Unlike {@code -prof gc}, which counts every thread of the JVM (the audit writer
 * too), this is the caller's share alone, and a busy machine does not change it.
 *
 * <p>Run: {@code java -cp agentguard-benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.CallerAllocation [calls]}
 *
 * @since 0.2.0
 */
public final class CallerAllocation {
  private CallerAllocation() {}

  /**
   * Runs the measurement.
   *
   * @param args optionally the number of measured calls (default 1,000,000)
   * @throws IllegalStateException if the tool did not run or the JVM cannot count thread allocation
   */
  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
      throw new IllegalStateException("this JVM does not count per-thread allocation");
    }
    long self = Thread.currentThread().getId();
    GuardFixture f = new GuardFixture("discard-gap");
    try {
      for (int round = 0; round < 3; round++) {
        long before = threads.getThreadAllocatedBytes(self);
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          if (f.guarded.read("T-1") == null) {
            throw new IllegalStateException("the tool did not run");
          }
        }
        long nanos = System.nanoTime() - t0;
        long bytes = threads.getThreadAllocatedBytes(self) - before;
        System.out.printf("round %d: %d calls, caller thread allocated %.1f B/call, %.0f ns/call (wall, load-dependent)%n",
            round, calls, (double) bytes / calls, (double) nanos / calls);
      }
    } finally {
      f.close();
      f.deleteFiles();
    }
  }
}
