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
 * <p>Waiting: a consumer that finds the queue empty soon after it took an entry <em>dozes</em>: it
 * parks in short steps (from {@value #DOZE_FIRST_STEP_NANOS} ns, doubling to
 * {@value #DOZE_LONGEST_STEP_NANOS} ns) and looks again, without asking producers to wake it, for up
 * to {@value #DOZE_NANOS} ns after its last entry. Only then does it announce itself and park until
 * the producer that publishes the next entry wakes it. Waking a parked thread is a system call of a
 * few microseconds on the publishing caller's thread: at a pace the writer keeps up with, every call
 * paid it, several times the rest of a guarded call. A dozing writer picks a record up at most one
 * step late; a caller that waits for its record ({@link #wake}, write-ahead) wakes it at once. A
 * producer waiting for room (BLOCK, DENY_AFTER_WAIT) parks in short steps and retries, since room
 * only appears when the writer drains, which it does in batches.
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
  /** How long after its last entry the consumer dozes before it asks producers to wake it. */
  static final long DOZE_NANOS = 10_000_000L;
  /** The dozing consumer's first step; the steps double up to {@link #DOZE_LONGEST_STEP_NANOS}. */
  static final long DOZE_FIRST_STEP_NANOS = 50_000L;
  /** The dozing consumer's longest step: how late it may pick up a record nobody waits for. */
  static final long DOZE_LONGEST_STEP_NANOS = 1_000_000L;

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
  /** The consumer while it parks until woken: every publish wakes it. */
  private volatile Thread parkedConsumer;
  /** The consumer while it dozes: only {@link #wake} wakes it. */
  private volatile Thread dozingConsumer;
  /** When the consumer last took an entry ({@link System#nanoTime()}). Consumer only. */
  private long lastTakenNanos = System.nanoTime() - DOZE_NANOS;

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

  /** Whether there is no room now (a snapshot: room may appear right after it). */
  boolean full() {
    return free.get() <= 0;
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

  /**
   * Wakes the consumer now, whether it parks or dozes: for an entry a producer waits for (a
   * write-ahead record), which must not wait for the end of a doze step.
   */
  void wake() {
    Thread t = dozingConsumer;
    if (t == null) {
      t = parkedConsumer;
    }
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Waits up to {@code nanos} for an entry; {@code null} on timeout or interrupt. Consumer only. */
  Object poll(long nanos) {
    Object e = pollNow();
    if (e != null) {
      return taken(e);
    }
    long now = System.nanoTime();
    long deadline = now + nanos;
    if (now - lastTakenNanos < DOZE_NANOS) {
      e = doze(Math.min(deadline, lastTakenNanos + DOZE_NANOS));
      if (e != null) {
        return taken(e);
      }
      if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
        Thread.interrupted();
        return null;
      }
    }
    parkedConsumer = Thread.currentThread();
    try {
      while (true) {
        e = pollNow(); // re-check after announcing: a producer that published before saw no parked consumer
        if (e != null) {
          return taken(e);
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

  /** Looks for an entry in doubling park steps until {@code until}, unannounced; {@code null} if none came. */
  private Object doze(long until) {
    dozingConsumer = Thread.currentThread();
    try {
      long step = DOZE_FIRST_STEP_NANOS;
      while (true) {
        Object e = pollNow(); // re-check after announcing the doze: a wake() before it found no dozing consumer
        if (e != null) {
          return e;
        }
        long left = until - System.nanoTime();
        if (left <= 0 || Thread.currentThread().isInterrupted()) {
          return null;
        }
        LockSupport.parkNanos(this, Math.min(step, left));
        step = Math.min(2 * step, DOZE_LONGEST_STEP_NANOS);
      }
    } finally {
      dozingConsumer = null;
    }
  }

  /** Whether the consumer dozes now (a snapshot, for tests). */
  boolean dozing() {
    return dozingConsumer != null;
  }

  private Object taken(Object e) {
    lastTakenNanos = System.nanoTime();
    return e;
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
      lastTakenNanos = System.nanoTime();
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
