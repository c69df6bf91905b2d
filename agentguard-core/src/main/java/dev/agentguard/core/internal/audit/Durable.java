package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write-ahead record and its waiter: the writer takes it (unless the waiter gave up first) and
 * completes it once every sink wrote and flushed it. Thread-safe.
 *
 * @since 0.2.0
 */
final class Durable {
  static final int PENDING = 0;
  static final int TAKEN = 1;
  static final int CANCELLED = 2;
  static final int OK = 3;
  static final int FAILED = 4;

  /** An {@link AuditEvent.Builder} or a {@link ToolCallRecord} (its decision). */
  final Object entry;
  final AtomicInteger state = new AtomicInteger(PENDING);
  final CountDownLatch latch = new CountDownLatch(1);

  Durable(Object entry) {
    this.entry = entry;
  }

  /** The writer takes it; false when the waiter already gave up (it is then not written). */
  boolean take() {
    return state.compareAndSet(PENDING, TAKEN);
  }

  /** The waiter gives up; a record the writer took is still written. */
  void cancel() {
    state.compareAndSet(PENDING, CANCELLED);
  }

  /** Releases the waiter with the outcome. */
  void complete(boolean ok) {
    state.compareAndSet(TAKEN, ok ? OK : FAILED);
    state.compareAndSet(PENDING, FAILED);
    latch.countDown();
  }
}
