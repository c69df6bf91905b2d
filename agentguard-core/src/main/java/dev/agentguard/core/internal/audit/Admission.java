package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditOverflow;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes records into the bounded queue under the configured overflow behaviour, and counts what
 * it refused or dropped. Never does I/O or hashing on the caller's thread.
 *
 * <p>Thread-safe: any number of producers; one consumer (the writer).
 *
 * @since 0.2.0
 */
final class Admission {
  private static final long POLL_MILLIS = 20;
  private static final int QUEUED = 0;
  private static final int DROPPED = 1;
  private static final int REFUSED = 2;
  private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);

  private final AuditConfig config;
  private final RecordQueue queue;
  private final AtomicInteger producers = new AtomicInteger();
  private final AtomicLong pendingGap = new AtomicLong();
  private final AtomicLong gapsTotal = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  /**
   * Reservations of one-record calls taken and neither redeemed nor released, plus callers waiting
   * for one; {@link #SEALED} once close gave up waiting for them (then they were counted as a gap).
   */
  private final AtomicLong reservations = new AtomicLong();
  private static final long SEALED = Long.MIN_VALUE;
  private volatile boolean closed;

  Admission(AuditConfig config) {
    this.config = config;
    this.queue = new RecordQueue(config.queueCapacity());
  }

  /** See {@link AuditPipeline#record}. */
  boolean record(AuditEvent.Builder event) {
    requireCallerType(event);
    return offer(event) != REFUSED;
  }

  /** See {@link AuditPipeline#recordCall}: the decision of a call; marks it dropped when GAP dropped it. */
  boolean recordCall(ToolCallRecord.WriteAhead call) {
    int r = offer(call);
    if (r == DROPPED) {
      call.decisionDropped = true;
    }
    return r != REFUSED;
  }

  /** See {@link AuditPipeline#recordOutcome}. */
  boolean recordOutcome(ToolCallRecord call) {
    if (!call.single()) {
      return offer(call) != REFUSED;
    }
    if (call.reservation != RESERVED_SLOT) {
      return call.reservation == GAP_COUNTED; // counted in a gap when it was reserved; never reserved: refused
    }
    call.reservation = 0;
    if (!leaveReservation()) {
      return true; // close gave up on it and counted it in the gap before audit.closed
    }
    queue.publish(call);
    return true;
  }

  /** {@link ToolCallRecord#reservation} states. */
  static final byte RESERVED_SLOT = 1;
  static final byte GAP_COUNTED = 2;

  /** See {@link AuditPipeline#reserveCall}. */
  boolean reserveCall(ToolCallRecord call) {
    if (!call.single() || call.reservation != 0) {
      throw new IllegalStateException("a one-record call reserves its slot once");
    }
    if (!enterReservation()) {
      return refuse();
    }
    boolean held = false;
    try {
      if (closed) {
        return refuse();
      }
      if (queue.reserve()) {
        held = true;
      } else {
        call.waitedForRoom = config.overflow() != AuditOverflow.GAP;
        switch (config.overflow()) {
          case GAP -> {
            pendingGap.incrementAndGet();
            gapsTotal.incrementAndGet();
            call.reservation = GAP_COUNTED;
            return true;
          }
          case DENY_AFTER_WAIT -> held = queue.reserve(config.overflowWait().toNanos(), TimeUnit.NANOSECONDS);
          case BLOCK -> {
            while (!held && !closed) {
              held = queue.reserve(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
          }
        }
      }
      if (!held) {
        return refuse();
      }
      call.reservation = RESERVED_SLOT;
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refuse();
    } finally {
      if (!held) {
        leaveReservation();
      }
    }
  }

  /** See {@link AuditPipeline#releaseCall}. */
  void releaseCall(ToolCallRecord call) {
    if (call.reservation == RESERVED_SLOT) {
      call.reservation = 0;
      queue.release();
      leaveReservation();
    }
  }

  private boolean enterReservation() {
    while (true) {
      long r = reservations.get();
      if ((r & SEALED) != 0) {
        return false;
      }
      if (reservations.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** False when close already gave up on (and counted) the reservation. */
  private boolean leaveReservation() {
    while (true) {
      long r = reservations.get();
      if ((r & SEALED) != 0) {
        return false;
      }
      if (reservations.compareAndSet(r, r - 1)) {
        return true;
      }
    }
  }

  /**
   * Stops waiting for reserved records: counts the calls still holding a reservation (their records
   * will never be written) as a gap, loudly, and makes their later enqueue a no-op.
   */
  private void sealReservations(String why) {
    long r = reservations.getAndUpdate(x -> x | SEALED);
    long held = r & ~SEALED;
    if ((r & SEALED) == 0 && held > 0) {
      pendingGap.addAndGet(held);
      gapsTotal.addAndGet(held);
      LOG.error("{} calls were still running when {}; their records will not be written and are counted "
          + "in an audit.gap", held, why);
    }
  }

  /** Queues {@code entry} under the overflow behaviour: {@link #QUEUED}, {@link #DROPPED} (GAP) or {@link #REFUSED}. */
  private int offer(Object entry) {
    producers.incrementAndGet();
    try {
      if (closed) {
        return refuseEntry();
      }
      if (queue.offer(entry)) {
        return QUEUED;
      }
      return switch (config.overflow()) {
        case GAP -> {
          pendingGap.incrementAndGet();
          gapsTotal.incrementAndGet();
          yield DROPPED;
        }
        case DENY_AFTER_WAIT -> queue.offer(entry, config.overflowWait().toNanos(), TimeUnit.NANOSECONDS)
            ? QUEUED : refuseEntry();
        case BLOCK -> {
          boolean taken = false;
          while (!taken && !closed) {
            taken = queue.offer(entry, POLL_MILLIS, TimeUnit.MILLISECONDS);
          }
          yield taken ? QUEUED : refuseEntry();
        }
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refuseEntry();
    } finally {
      producers.decrementAndGet();
    }
  }

  /** See {@link AuditPipeline#recordDurably}. */
  boolean recordDurably(AuditEvent.Builder event, Duration timeout) {
    requireCallerType(event);
    return awaitDurable(event, timeout);
  }

  /** See {@link AuditPipeline#recordCallDurably}. */
  boolean recordCallDurably(ToolCallRecord.WriteAhead call, Duration timeout) {
    return awaitDurable(call, timeout);
  }

  private boolean awaitDurable(Object event, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    Durable d = new Durable(event);
    producers.incrementAndGet();
    try {
      if (closed || !(queue.offer(d) || queue.offer(d, deadline - System.nanoTime(), TimeUnit.NANOSECONDS))) {
        return refuse();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refuse();
    } finally {
      producers.decrementAndGet();
    }
    boolean ok;
    try {
      ok = d.latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) && d.state.get() == Durable.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      d.cancel();
      refuse();
    }
    return ok;
  }

  private int refuseEntry() {
    refuse();
    return REFUSED;
  }

  private boolean refuse() {
    refused.incrementAndGet();
    return false;
  }

  /**
   * Only known types, and none of the pipeline's own: a caller's gap, checkpoint, opening or close
   * record would corrupt what they attest.
   */
  private static void requireCallerType(AuditEvent.Builder event) {
    String wire = Objects.requireNonNull(event, "event").type();
    EventType type = EventType.of(wire);
    if (type == null) {
      throw new IllegalArgumentException("unknown audit event type '" + wire + "'; use a type of AuditEvent");
    }
    if (type.pipelineOwn()) {
      throw new IllegalArgumentException(wire + " records are written by the pipeline itself");
    }
  }

  /** Refuses every later record, then waits (bounded) for producers inside a call to leave. */
  void close(long deadlineNanos) {
    closed = true;
    while ((producers.get() > 0 || (reservations.get() & ~SEALED) > 0) && System.nanoTime() < deadlineNanos) {
      LockSupport.parkNanos(100_000);
    }
    sealReservations("the audit trail closed (closeTimeout passed)");
  }

  /** Refuses every later record at once (the writer stopped). */
  void closeNow() {
    closed = true;
    sealReservations("the audit writer stopped");
  }

  boolean closed() {
    return closed;
  }

  /** Moves up to {@code max} queued records into {@code into}. Writer only. */
  void drainTo(List<Object> into, int max) {
    queue.drainTo(into, max);
  }

  /** Waits up to {@code nanos} for one record. Writer only. */
  Object poll(long nanos) {
    return queue.poll(nanos); // null on interrupt: the writer is not stopped by interrupts, only by close()
  }

  /** Takes the count of records dropped since the last call. Writer only. */
  long takeGap() {
    return pendingGap.getAndSet(0);
  }

  boolean idle() {
    return queue.isEmpty() && pendingGap.get() == 0;
  }

  /** Removes everything still queued: fails the write-ahead waiters, returns how many others were lost. */
  long abandonQueued() {
    long lost = 0;
    Object o;
    while ((o = queue.pollNow()) != null) {
      if (o instanceof Durable) {
        ((Durable) o).complete(false);
      } else {
        lost++;
      }
    }
    return lost;
  }

  long queued() {
    return queue.size();
  }

  long gaps() {
    return gapsTotal.get();
  }

  long refused() {
    return refused.get();
  }
}
