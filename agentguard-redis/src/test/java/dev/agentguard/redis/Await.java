package dev.agentguard.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for asynchronous delivery (pub/sub, reconnects): never a sleep to wait out a time. */
final class Await {
  private Await() {}

  /** Polls until the condition holds; fails the test with {@code what} after {@code limit}. */
  static void until(Duration limit, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
