package dev.agentguard.core.internal.audit;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded record queue between the callers and the writer: many producers, one consumer,
 * without a lock. Producers claim a slot with one compare-and-set on the producer index and publish
 * the entry into it; the consumer reads slots in order and frees them. Room is counted apart from
 * the slots ({@link #reserve}), so a producer can reserve room before it has the entry (a call
 * reserves its record's room before its body runs) and {@link #publish} it later without waiting. With the JDK's
 * {@code ArrayBlockingQueue} every caller and the writer took the same lock for every record, so the
 * callers queued behind each other and behind a writer that was descheduled while holding it (on a
 * busy two-core machine, for milliseconds).
 *
 * <p>Waiting: the consumer parks when it finds the queue empty and is woken by the producer that
 * publishes the next entry; a producer waiting for room (BLOCK, DENY_AFTER_WAIT) parks in short
 * steps and retries, since room only appears when the writer drains, which it does in batches.
 *
 * <p>Thread-safe for any number of producers ({@link #offer}) and one consumer thread
 * ({@link #poll}, {@link #drainTo}, {@link #pollNow}); {@link #size} and {@link #isEmpty} from any
 * thread (a snapshot).
 *
 * @since 0.2.0
 */
final class RecordQueue {
  /** Longest a producer waiting for room parks before it looks again. */
  private static final long ROOM_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private final int capacity;
  private final int mask;
  private final AtomicReferenceArray<Object> slots;
  private final AtomicLong producerIndex = new AtomicLong();
  /** Room not claimed: capacity minus the entries claimed and not taken, minus the slots reserved. */
  private final AtomicLong free;
  /** The consumer's position. Consumer only. */
  private long consumed;
  /**
   * {@link #consumed} as other threads may see it ({@link #size}, {@link #isEmpty}), stored once per
   * take or batch, not per entry: this object's line holds what every producer reads ({@link #free},
   * {@link #slots}, {@link #parkedConsumer}), and a store per entry made each producer miss it.
   */
  private volatile long consumerIndex;
  private volatile Thread parkedConsumer;

  RecordQueue(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    }
    this.capacity = capacity;
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.mask = size - 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.free = new AtomicLong(capacity);
  }

  /** Enqueues {@code e} if there is room; never waits. */
  boolean offer(Object e) {
    if (!reserve()) {
      return false;
    }
    publish(e);
    return true;
  }

  /**
   * Enqueues {@code e}, waiting up to {@code timeout} for room.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  boolean offer(Object e, long timeout, TimeUnit unit) throws InterruptedException {
    if (!reserve(timeout, unit)) {
      return false;
    }
    publish(e);
    return true;
  }

  /** Reserves room for one later {@link #publish} if there is any; never waits. */
  boolean reserve() {
    while (true) {
      long f = free.get();
      if (f <= 0) {
        return false;
      }
      if (free.compareAndSet(f, f - 1)) {
        return true;
      }
    }
  }

  /**
   * Reserves room for one later {@link #publish}, waiting up to {@code timeout} for it.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  boolean reserve(long timeout, TimeUnit unit) throws InterruptedException {
    if (reserve()) {
      return true;
    }
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(this, Math.min(left, ROOM_PARK_NANOS));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (reserve()) {
        return true;
      }
    }
  }

  /** Gives back room reserved and not published. */
  void release() {
    free.incrementAndGet();
  }

  /** Enqueues {@code e} into room reserved before; never waits, never fails. */
  void publish(Object e) {
    long p = producerIndex.getAndIncrement(); // room is reserved, so slot p is free (p - consumerIndex < capacity)
    slots.set((int) (p & mask), e); // volatile, like the read of parkedConsumer after it: no missed wake-up
    Thread waiting = parkedConsumer;
    if (waiting != null) {
      LockSupport.unpark(waiting);
    }
  }

  /** Takes the next entry, or {@code null} when none is published yet; frees its room. Consumer only. */
  Object pollNow() {
    Object e = take();
    if (e != null) {
      consumerIndex = consumed;
      free.incrementAndGet();
    }
    return e;
  }

  /** Takes the next entry without publishing the position or freeing its room (the caller does). */
  private Object take() {
    long c = consumed;
    int i = (int) (c & mask);
    Object e = slots.get(i);
    if (e == null) {
      if (producerIndex.get() == c) {
        return null;
      }
      // a producer claimed the slot and publishes it a few instructions later (unless it was descheduled)
      for (int spins = 0; (e = slots.get(i)) == null; spins++) {
        if (spins < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
    slots.setRelease(i, null);
    consumed = c + 1;
    return e;
  }

  /** Waits up to {@code nanos} for an entry; {@code null} on timeout or interrupt. Consumer only. */
  Object poll(long nanos) {
    Object e = pollNow();
    if (e != null) {
      return e;
    }
    long deadline = System.nanoTime() + nanos;
    parkedConsumer = Thread.currentThread();
    try {
      while (true) {
        e = pollNow(); // re-check after announcing: a producer that published before saw no parked consumer
        if (e != null) {
          return e;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || Thread.interrupted()) {
          return null;
        }
        LockSupport.parkNanos(this, left);
      }
    } finally {
      parkedConsumer = null;
    }
  }

  /** Moves up to {@code max} entries into {@code into}. Consumer only. */
  void drainTo(List<Object> into, int max) {
    int n = 0;
    for (; n < max; n++) {
      Object e = take();
      if (e == null) {
        break;
      }
      into.add(e);
    }
    if (n > 0) {
      consumerIndex = consumed;
      free.addAndGet(n); // once per batch: the room appears when the writer drains anyway
    }
  }

  /** Entries claimed and not yet taken (a snapshot). */
  int size() {
    long n = producerIndex.get() - consumerIndex;
    return (int) Math.max(0, Math.min(n, capacity));
  }

  boolean isEmpty() {
    return producerIndex.get() == consumerIndex;
  }
}
