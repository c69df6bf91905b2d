package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditOverflow;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes records into the bounded queue under the configured overflow behaviour, and counts what
 * it refused or dropped. Never does I/O or hashing on the caller's thread.
 *
 * <p>A caller writes only its own stripe of the {@link AdmissionGate} (the in-flight step, the slot
 * it holds, its gaps and refusals) plus the queue's room and producer index when it takes a slot;
 * a caller that finds the queue full under GAP writes no shared line at all. A wait for room
 * happens outside the gate's steps, counted in {@link #waiters}, so close waits for it but the seal
 * never counts a caller that held nothing.
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
  /** {@link ToolCallRecord#reservation}: GAP counted the call (never written); {@code s + 1}: a slot held on stripe {@code s}. */
  static final byte GAP_COUNTED = -1;
  private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);

  private final AuditConfig config;
  private final RecordQueue queue;
  /** In-flight steps, held reservations, gaps and refusals, per thread stripe; sealed by close. */
  private final AdmissionGate gate;
  /** Callers waiting for room (BLOCK, DENY_AFTER_WAIT, write-ahead): close waits for them too. */
  private final AtomicInteger waiters = new AtomicInteger();
  /** Gaps the writer has taken ({@link #takeGap}). Writer only. */
  private long gapsTaken;
  private volatile boolean closed;

  Admission(AuditConfig config) {
    this(config, AdmissionGate.defaultStripes());
  }

  /** With {@code stripes} gate stripes (a power of two, 1 to 64): tests force threads to share one. */
  Admission(AuditConfig config, int stripes) {
    this.config = config;
    this.queue = new RecordQueue(config.queueCapacity());
    this.gate = new AdmissionGate(stripes);
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
    int r = call.reservation;
    if (r <= 0) {
      return r == GAP_COUNTED; // counted in a gap when it was reserved; never reserved: refused
    }
    call.reservation = 0;
    int stripe = r - 1;
    if (!gate.enterReleasing(stripe)) {
      return true; // close gave up on it and counted it in the gap before audit.closed
    }
    try {
      queue.publish(call); // inside the step: a close that seals now waits until it is queued
    } finally {
      gate.exit(stripe);
    }
    return true;
  }

  /** See {@link AuditPipeline#reserveCall}. */
  boolean reserveCall(ToolCallRecord call) {
    if (!call.single() || call.reservation != 0) {
      throw new IllegalStateException("a one-record call reserves its slot once");
    }
    int stripe = gate.stripe();
    if (closed) {
      return refuse(stripe);
    }
    if (config.overflow() == AuditOverflow.GAP && queue.full()) {
      // the common case of a sustained overload: the record is dropped, counted in one compare-and-set
      if (!gate.countGapUnlessSealed(stripe)) {
        return refuse(stripe); // the trail closed: the call is refused, not run with an uncounted gap
      }
      call.reservation = GAP_COUNTED;
      return true;
    }
    if (!gate.enter(stripe)) {
      return refuse(stripe);
    }
    boolean held = false;
    try {
      held = queue.reserve();
      if (!held && config.overflow() == AuditOverflow.GAP) {
        gate.countGap(stripe);
        call.reservation = GAP_COUNTED;
        return true;
      }
    } finally {
      if (held) {
        gate.exitHolding(stripe);
      } else {
        gate.exit(stripe);
      }
    }
    if (!held) {
      call.waitedForRoom = true; // the body's duration is then timed from its own clock reading
      if (!awaitRoom(stripe, overflowWaitNanos())) {
        return refuse(stripe);
      }
      gate.exitHolding(stripe);
    }
    call.reservation = (byte) (stripe + 1);
    return true;
  }

  /**
   * See {@link AuditPipeline#releaseCall}. {@code true} when the call's room was given back;
   * {@code false} when it held none, or when close had already given up on it and counted it in the
   * gap (then it stays counted: a gap counted once is never taken back).
   */
  boolean releaseCall(ToolCallRecord call) {
    int r = call.reservation;
    if (r <= 0) {
      return false;
    }
    call.reservation = 0;
    int stripe = r - 1;
    if (!gate.enterReleasing(stripe)) {
      return false;
    }
    try {
      queue.release();
    } finally {
      gate.exit(stripe);
    }
    return true;
  }

  /** How long the overflow behaviour waits for room: BLOCK {@code -1} (until close), else the overflow wait. */
  private long overflowWaitNanos() {
    return config.overflow() == AuditOverflow.BLOCK ? -1 : config.overflowWait().toNanos();
  }

  /**
   * Waits up to {@code nanos} ({@code < 0}: until close) for room, counted in {@link #waiters}. On
   * {@code true} the caller holds the room inside a gate step it must end.
   */
  private boolean awaitRoom(int stripe, long nanos) {
    waiters.incrementAndGet();
    try {
      if (closed) {
        return false;
      }
      boolean room = false;
      if (nanos >= 0) {
        room = queue.reserve(nanos, TimeUnit.NANOSECONDS);
      } else {
        while (!room && !closed) {
          room = queue.reserve(POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
      if (room && !gate.enter(stripe)) {
        queue.release(); // sealed while it waited: refused, not counted
        room = false;
      }
      return room;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiters.decrementAndGet();
    }
  }

  /**
   * Stops waiting for reserved records: counts the calls still holding a reservation (their records
   * will never be written) as a gap, loudly, and makes their later enqueue a no-op.
   */
  private void sealReservations(String why) {
    long held = gate.seal();
    if (held > 0) {
      LOG.error("{} calls were still running when {}; their records will not be written and are counted "
          + "in an audit.gap", held, why);
    }
  }

  /** Queues {@code entry} under the overflow behaviour: {@link #QUEUED}, {@link #DROPPED} (GAP) or {@link #REFUSED}. */
  private int offer(Object entry) {
    int stripe = gate.stripe();
    if (closed || !gate.enter(stripe)) {
      return refuseEntry(stripe);
    }
    try {
      if (queue.offer(entry)) {
        return QUEUED;
      }
      if (config.overflow() == AuditOverflow.GAP) {
        gate.countGap(stripe);
        return DROPPED;
      }
    } finally {
      gate.exit(stripe);
    }
    return publishAfterWait(entry, stripe, overflowWaitNanos()) ? QUEUED : refuseEntry(stripe);
  }

  /** Waits for room ({@link #awaitRoom}) and queues {@code entry} into it. */
  private boolean publishAfterWait(Object entry, int stripe, long nanos) {
    if (!awaitRoom(stripe, nanos)) {
      return false;
    }
    try {
      queue.publish(entry);
    } finally {
      gate.exit(stripe);
    }
    return true;
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
    int stripe = gate.stripe();
    if (closed || !gate.enter(stripe)) {
      return refuse(stripe);
    }
    boolean queued;
    try {
      queued = queue.offer(d);
    } finally {
      gate.exit(stripe);
    }
    if (!queued && !publishAfterWait(d, stripe, Math.max(0, deadline - System.nanoTime()))) {
      return refuse(stripe);
    }
    queue.wake(); // the caller waits for this record: a dozing writer takes it now, not a step later
    boolean ok;
    try {
      ok = d.latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) && d.state.get() == Durable.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      d.cancel();
      refuse(stripe);
    }
    return ok;
  }

  private int refuseEntry(int stripe) {
    refuse(stripe);
    return REFUSED;
  }

  private boolean refuse(int stripe) {
    gate.countRefused(stripe);
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

  /**
   * Refuses every later record, waits (bounded) for the callers waiting for room and for the calls
   * holding a reservation to finish, then seals the gate: what is left is counted in the gap.
   */
  void close(long deadlineNanos) {
    closed = true;
    while ((waiters.get() > 0 || !gate.quiet()) && System.nanoTime() < deadlineNanos) {
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
    long total = gate.gaps();
    long n = total - gapsTaken;
    gapsTaken = total;
    return n;
  }

  /** Nothing queued and no gap to write. Writer only. */
  boolean idle() {
    return queue.isEmpty() && gate.gaps() == gapsTaken;
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
    return gate.gaps();
  }

  long refused() {
    return gate.refused();
  }
}
