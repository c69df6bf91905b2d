package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.Hashing;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer loop: takes records from {@link Admission}, seals them ({@link ChainSealer}), hands them
 * to the sinks ({@link SinkFanout}), writes the pipeline's own records ({@link Checkpoints}) and
 * releases write-ahead waiters once their record is flushed.
 *
 * <p>It drains up to {@value #MAX_BATCH} records per loop. It flushes every sink at once when a
 * write-ahead record is in the batch (then completes its waiters), and otherwise at most
 * {@link #LINGER_NANOS} after the first unflushed write or after 64 unflushed batches, so a busy
 * writer pays one flush (one system call, one fsync) for many small batches. The first record of
 * every run is {@code audit.opened}; a clean close ends with {@code audit.closed}.
 *
 * <p>Runs on its own thread; {@link #stoppedBy()} and {@link #written()} may be read from any thread.
 *
 * @since 0.2.0
 */
final class AuditWriter implements Runnable {
  static final int MAX_BATCH = 4096;
  /** How long written events may wait for their sinks' flush when no write-ahead record waits. */
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int MAX_UNFLUSHED_BATCHES = 64;
  private static final DateTimeFormatter TS_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private final AuditConfig config;
  private final Admission admission;
  private final SinkFanout sinks;
  private final ChainSealer sealer;
  private final Checkpoints checkpoints;
  private final CountDownLatch done = new CountDownLatch(1);
  private final ArrayList<Object> batch = new ArrayList<>(MAX_BATCH);
  private final ArrayList<Durable> waiters = new ArrayList<>();
  private volatile boolean drainRequested;
  private volatile long written;
  private volatile String stoppedBy;
  private int unflushed;
  private long unflushedSinceNanos;
  private long tsSecond = Long.MIN_VALUE;
  private String tsPrefix;
  private long tsMillis;
  private String ts;

  AuditWriter(AuditConfig config, Admission admission, SinkFanout sinks, ChainHead head) {
    this.config = config;
    this.admission = admission;
    this.sinks = sinks;
    byte[] rnd = new byte[8];
    new SecureRandom().nextBytes(rnd);
    this.sealer = new ChainSealer(head, Hashing.hex(rnd) + "-");
    this.checkpoints = new Checkpoints(config, sinks::otherError);
  }

  /** Asks the loop to write everything queued, close the run and the sinks, and stop. */
  void requestDrain() {
    drainRequested = true;
  }

  /** Waits up to {@code nanos} for the loop to end; false on timeout or interrupt. */
  boolean await(long nanos) {
    try {
      return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Events every live sink has taken. */
  long written() {
    return written;
  }

  /** Why the writer stopped before a clean close ({@code "writer stopped: <type>"}), or {@code null}. */
  String stoppedBy() {
    return stoppedBy;
  }

  @Override
  public void run() {
    try {
      write(checkpoints.opening());
      markWritten();
      while (true) {
        batch.clear();
        admission.drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) {
          if (drainRequested && admission.idle()) {
            break;
          }
          if (unflushed > 0 && System.nanoTime() - unflushedSinceNanos >= LINGER_NANOS) {
            flush();
          }
          Object o = admission.poll(unflushed > 0 ? LINGER_NANOS : POLL_NANOS);
          if (o != null) {
            batch.add(o);
            admission.drainTo(batch, MAX_BATCH - 1);
          }
        }
        boolean wrote = writeGapIfAny();
        for (int i = 0, n = batch.size(); i < n; i++) {
          Object o = batch.get(i);
          if (o instanceof Durable) {
            Durable d = (Durable) o;
            if (!d.take()) {
              continue;
            }
            waiters.add(d);
            o = d.entry;
          }
          if (o instanceof ToolCallRecord) {
            writeCall((ToolCallRecord) o);
          } else {
            write((AuditEvent.Builder) o);
          }
          wrote = true;
          if (checkpoints.dueByCount()) {
            writeCheckpoint();
          }
        }
        batch.clear();
        if (checkpoints.dueByInterval()) {
          wrote |= writeCheckpoint();
        }
        if (wrote) {
          markWritten();
        }
        if (unflushed > 0 && (!waiters.isEmpty() || drainRequested || unflushed >= MAX_UNFLUSHED_BATCHES
            || System.nanoTime() - unflushedSinceNanos >= LINGER_NANOS)) {
          flush();
        }
        completeWaiters();
      }
      writeGapIfAny();
      write(checkpoints.closing(sealer.head()));
      sinks.flushAll();
      completeWaiters();
      sinks.closeAll(config.closeTimeout());
    } catch (Throwable t) {
      stoppedBy = "writer stopped: " + t.getClass().getName();
      admission.closeNow();
      LOG.error("audit writer stopped ({}); the pipeline no longer accepts records", t.getClass().getName(), t);
      for (Durable d : waiters) {
        d.complete(false);
      }
      waiters.clear();
      for (Object o : batch) {
        if (o instanceof Durable) {
          ((Durable) o).complete(false);
        }
      }
      batch.clear();
    } finally {
      long lost = admission.abandonQueued();
      if (lost > 0) {
        LOG.error("audit writer stopped with {} queued records not written", lost);
      }
      done.countDown();
    }
  }

  private void markWritten() {
    if (unflushed == 0) {
      unflushedSinceNanos = System.nanoTime();
    }
    unflushed++;
  }

  private void flush() {
    sinks.flushAll();
    unflushed = 0;
  }

  private boolean writeGapIfAny() {
    long n = admission.takeGap();
    if (n == 0) {
      return false;
    }
    write(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(n));
    return true;
  }

  private boolean writeCheckpoint() {
    AuditEvent.Builder cp = checkpoints.checkpoint(sealer.head());
    if (cp == null) {
      return false;
    }
    write(cp.policyVersion(sealer.currentPolicyVersion())); // restated: a reader starting here knows it
    return true;
  }

  /**
   * A call's entry: the one record of a one-record call (stamped with the time it was decided); for
   * a write-ahead call its decision the first time (unless GAP dropped that), else its short
   * completion, linked to the decision by {@code parent} when the decision was written.
   */
  private void writeCall(ToolCallRecord call) {
    if (call.single()) {
      write(call.combined(), null, timestamp(call.decidedMillis()));
      return;
    }
    ToolCallRecord.WriteAhead w = (ToolCallRecord.WriteAhead) call;
    if (!w.decisionWritten && !w.decisionDropped) {
      w.decisionId = write(w.content(), null);
      w.decisionWritten = true;
    } else {
      write(w.completion(), w.decisionId);
    }
  }

  private void write(AuditEvent.Builder b) {
    write(b, null);
  }

  private String write(AuditEvent.Builder b, String parent) {
    return write(b, parent, timestamp(config.clock().millis()));
  }

  /** Seals and delivers one record; returns its id. The event object is made only if a sink needs it. */
  private String write(AuditEvent.Builder b, String parent, String ts) {
    String id = sealer.sealLine(b, ts, parent);
    checkpoints.counted(EventType.of(b.type()));
    sinks.deliver(sealer);
    written = written + 1;
    return id;
  }

  private void completeWaiters() {
    boolean ok = sinks.allLive();
    for (int i = 0, n = waiters.size(); i < n; i++) {
      waiters.get(i).complete(ok);
    }
    waiters.clear();
  }

  /** The record time of {@code millis}; the same string again while the millisecond repeats. */
  private String timestamp(long millis) {
    if (millis == tsMillis && ts != null) {
      return ts;
    }
    long sec = Math.floorDiv(millis, 1000L);
    int ms = (int) Math.floorMod(millis, 1000L);
    if (sec != tsSecond) {
      tsSecond = sec;
      tsPrefix = TS_SECONDS.format(LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC)) + ".";
    }
    char[] tail = {(char) ('0' + ms / 100), (char) ('0' + ms / 10 % 10), (char) ('0' + ms % 10), 'Z'};
    tsMillis = millis;
    ts = tsPrefix.concat(new String(tail));
    return ts;
  }
}
