package dev.agentguard.core.internal.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters every caller of {@link Admission} writes, in stripes: a thread always uses the
 * stripe its id hashes to, and each stripe has cache lines of its own, so callers on different
 * cores do not write the same line (one shared in-flight counter, plus shared gap and refusal
 * counters, were the hottest caller frames with 8 threads).
 *
 * <p>Each stripe has one state word: a {@code SEALED} bit, the callers inside a short admission
 * step ({@code BUSY}, bits 32-62) and the reservations held ({@code HELD}, bits 0-31); and a gap and
 * a refusal count. A caller enters a step ({@link #enter}), does its bounded work (take room, enqueue,
 * count a gap) and leaves it, holding a reservation or not ({@link #exitHolding}, {@link #exit}), in
 * one atomic add each; giving a reservation up is a step too ({@link #enterReleasing}). Once a
 * stripe is sealed, every step refuses and is undone inside the same step. {@link #seal} waits for
 * the steps in flight to end, so what it reads then is exact: the reservations held at that moment
 * will never be enqueued (each is refused at its {@link #enterReleasing}) and are counted as a gap;
 * every gap and every record enqueued on the stripe was counted or queued before the seal returned.
 *
 * <p>A gap can also be counted outside a step, in one compare-and-set ({@link #countGapUnlessSealed}:
 * a call whose record {@code GAP} drops because the queue is full, the common case of a sustained
 * overload). The gap cell has a {@code SEALED} bit of its own, set by {@link #seal} after the steps
 * ended: a gap counted before it is in every total read after the seal, and one tried after it is
 * refused without ever touching the count, so the total never moves by a caller that was refused.
 *
 * <p>Thread-safe.
 *
 * @since 0.2.0
 */
final class AdmissionGate {
  private static final long SEALED = Long.MIN_VALUE;
  private static final long BUSY = 1L << 32;
  private static final long HELD = BUSY - 1;
  private static final long BUSY_MASK = ~SEALED & ~HELD;
  /** Longs per stripe: 128 bytes, so two stripes never share a line or an adjacent-line prefetch pair. */
  private static final int STRIDE = 16;
  private static final int STATE = 0;
  private static final int GAPS = 1;
  private static final int REFUSED = 2;
  private static final int MAX_STRIPES = 64;
  /** Longest {@link #seal} waits for one stripe's steps (a few instructions each) to end. */
  static final long STEP_WAIT_NANOS = 1_000_000_000L;
  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] cells;
  private final int stripes;
  private final int bits;

  /** {@code stripes}: a power of two, 1 to 64. */
  AdmissionGate(int stripes) {
    if (stripes < 1 || stripes > MAX_STRIPES || Integer.bitCount(stripes) != 1) {
      throw new IllegalArgumentException("stripes must be a power of two in 1.." + MAX_STRIPES + ", was " + stripes);
    }
    this.stripes = stripes;
    this.bits = Integer.numberOfTrailingZeros(stripes);
    this.cells = new long[(stripes + 2) * STRIDE]; // a stripe of padding on each side: no neighbour object shares a line
  }

  /** Four stripes per processor (so two running threads rarely share one), at most 64. */
  static int defaultStripes() {
    int want = 4 * Runtime.getRuntime().availableProcessors();
    return Math.min(MAX_STRIPES, Integer.highestOneBit(want - 1) << 1);
  }

  /** The calling thread's stripe, {@code 0 <= stripe < stripes}. */
  int stripe() {
    // Fibonacci hashing of the thread id: consecutive ids (pool threads) spread over the stripes
    return bits == 0 ? 0 : (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> (64 - bits));
  }

  private static int at(int stripe, int cell) {
    return (stripe + 1) * STRIDE + cell;
  }

  private long add(int stripe, int cell, long delta) {
    return (long) CELL.getAndAdd(cells, at(stripe, cell), delta);
  }

  /** Starts a step on {@code stripe}; {@code false} (nothing left behind) once it is sealed. */
  boolean enter(int stripe) {
    if (add(stripe, STATE, BUSY) < 0) {
      add(stripe, STATE, -BUSY);
      return false;
    }
    return true;
  }

  /** Ends a step, holding nothing. */
  void exit(int stripe) {
    add(stripe, STATE, -BUSY);
  }

  /** Ends a step holding one reservation more. */
  void exitHolding(int stripe) {
    add(stripe, STATE, 1 - BUSY);
  }

  /**
   * Starts a step that gives one held reservation up (to enqueue its record or release its room);
   * {@code false} once the stripe is sealed: the seal counted the reservation as a gap, the caller
   * must neither enqueue nor release, and nothing is left behind.
   */
  boolean enterReleasing(int stripe) {
    if (add(stripe, STATE, BUSY - 1) < 0) {
      add(stripe, STATE, 1 - BUSY);
      return false;
    }
    return true;
  }

  /** Counts one record dropped (GAP); call inside a step, so a seal sees it. */
  void countGap(int stripe) {
    add(stripe, GAPS, 1);
  }

  /**
   * Counts one record dropped (GAP) without a step: {@code false} (nothing counted) once the stripe's
   * gap cell is sealed, so a gap is either in the total every reader sees after {@link #seal} or not
   * counted at all. One compare-and-set where a step costs three atomic adds.
   */
  boolean countGapUnlessSealed(int stripe) {
    int at = at(stripe, GAPS);
    while (true) {
      long g = (long) CELL.getVolatile(cells, at);
      if (g < 0) {
        return false;
      }
      if (CELL.compareAndSet(cells, at, g, g + 1)) {
        return true;
      }
    }
  }

  /** Counts one refusal. */
  void countRefused(int stripe) {
    add(stripe, REFUSED, 1);
  }

  /** Records dropped or given up on since the start (a sum over the stripes). */
  long gaps() {
    return sum(GAPS);
  }

  /** Refusals since the start (a sum over the stripes). */
  long refused() {
    return sum(REFUSED);
  }

  private long sum(int cell) {
    long n = 0;
    for (int s = 0; s < stripes; s++) {
      n += (long) CELL.getVolatile(cells, at(s, cell)) & ~SEALED; // a sealed gap cell keeps its count
    }
    return n;
  }

  /** True when no stripe has a step in flight or a reservation held (a snapshot). */
  boolean quiet() {
    for (int s = 0; s < stripes; s++) {
      if (((long) CELL.getVolatile(cells, at(s, STATE)) & ~SEALED) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Seals the gap cell of {@code stripe}, adding {@code held} (the reservations the seal counted) in
   * the same compare-and-set: from here on {@link #countGapUnlessSealed} refuses on the stripe.
   */
  private void sealGaps(int stripe, long held) {
    int at = at(stripe, GAPS);
    long g;
    do {
      g = (long) CELL.getVolatile(cells, at);
    } while (!CELL.compareAndSet(cells, at, g, (g + held) | SEALED));
  }

  /**
   * Seals every stripe not sealed yet, waits for the steps in flight on it to end, and counts the
   * reservations it then holds as a gap. A step still in flight after {@link #STEP_WAIT_NANOS} (a
   * thread stopped inside one) is counted as well: it may hold a reservation, and a gap too many is
   * said loudly where one too few would hide a record.
   *
   * @return the reservations (and steps given up on) counted; 0 when already sealed
   */
  long seal() {
    long deadlineNanos = System.nanoTime() + STEP_WAIT_NANOS;
    long counted = 0;
    for (int s = 0; s < stripes; s++) {
      long w;
      do {
        w = (long) CELL.getVolatile(cells, at(s, STATE));
      } while (w >= 0 && !CELL.compareAndSet(cells, at(s, STATE), w, w | SEALED));
      if (w < 0) {
        continue; // sealed before, and counted then
      }
      for (int spins = 0; ((w = (long) CELL.getVolatile(cells, at(s, STATE))) & BUSY_MASK) != 0; spins++) {
        if (System.nanoTime() - deadlineNanos > 0) {
          break;
        }
        if (spins < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // a step is a few instructions, unless its thread was descheduled
        }
      }
      long n = (w & HELD) + ((w & BUSY_MASK) >>> 32);
      sealGaps(s, n);
      counted += n;
    }
    return counted;
  }
}
