package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditHealth;
import dev.agentguard.core.AuditOverflow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit pipeline: callers enqueue event builders; one daemon writer thread
 * ({@value #THREAD_NAME}) seals them into a hash chain and hands each sealed event to every sink in
 * order.
 *
 * <p>The writer assigns {@code v}, {@code seq} (gap-free, from 1 or from the resumed head, never
 * from the clock), {@code id} ({@code <16 hex random per pipeline>-<seq>}), {@code ts} (ISO-8601 UTC
 * with milliseconds from the config clock), {@code parent} (the previous event id of the same task;
 * a task is forgotten after its {@code task.completed}), {@code prev} and {@code hash} (see
 * {@link AuditJson}). Each event is encoded once; the same sealed event goes to every sink.
 *
 * <p>The writer drains up to {@value #MAX_BATCH} records per loop and writes them to each sink. It
 * flushes every sink at once when a write-ahead record is in the batch (then completes its waiters),
 * and otherwise at most 2 ms after the first unflushed write or after 64 unflushed batches, so that
 * a busy writer pays one flush (one system call, one fsync) for many small batches. A sink whose
 * write or flush throws is retried (same event, same order) with exponential backoff from 10 ms to
 * 1 s; later events wait behind it. The failure is logged once when it starts and once when the
 * sink recovers. Sinks run on the writer thread only, so a throwing or stalling sink never throws
 * into, or blocks beyond the configured bounds, a caller.
 *
 * <p>No record is lost silently: each is written, counted in an {@code audit.gap} event
 * ({@link AuditOverflow#GAP}), or its {@code record}/{@code recordDurably} call returned
 * {@code false}.
 *
 * <p>Thread-safe. Callers hand over their builder: it must not be used after the call.
 *
 * @since 0.1.0
 */
public final class AuditPipeline implements AutoCloseable {
  /** Name of the writer thread. */
  public static final String THREAD_NAME = "agentguard-audit-writer";
  static final int MAX_BATCH = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long POLL_MILLIS = 20;
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
  /**
   * How long written events may wait for their sinks' flush when no write-ahead record is waiting:
   * under load the writer then drains many small batches per flush (one system call and one fsync
   * instead of one per batch); a write-ahead record is flushed at once.
   */
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final int MAX_UNFLUSHED_BATCHES = 64;
  private static final DateTimeFormatter TS_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private final AuditConfig config;
  private final ArrayBlockingQueue<Object> queue;
  private final AuditSink[] sinks;
  private final EncodedAuditSink[] encoded;
  private final Thread writer;
  private final AtomicInteger producers = new AtomicInteger();
  private final AtomicBoolean closeStarted = new AtomicBoolean();
  private final AtomicLong pendingGap = new AtomicLong();
  private final AtomicLong gapsTotal = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final CountDownLatch writerDone = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean drainRequested;
  private volatile long closeDeadlineNanos = Long.MAX_VALUE;
  private volatile long written;
  private volatile String failingSink;
  private volatile String lastError;

  // Writer-thread state.
  private final ByteBuf buf = new ByteBuf(2048);
  private final MessageDigest md = AuditJson.Sha256.create();
  private final Map<String, String> lastIdByTask = new HashMap<>();
  private final ArrayList<Object> batch = new ArrayList<>(MAX_BATCH);
  private final ArrayList<Durable> waiters = new ArrayList<>();
  private final boolean[] abandoned;
  private final boolean[] failing;
  private final long[] missed;
  private final String idPrefix;
  private long seq;
  private String prevHash;
  private byte[] prevAscii;
  private long eventsSinceCheckpoint;
  private long lastCheckpointMillis;
  private int unflushed;
  private long unflushedSinceNanos;
  private boolean signerFailing;
  private long tsSecond = Long.MIN_VALUE;
  private String tsPrefix;

  private AuditPipeline(AuditConfig config, ChainHead head) {
    this.config = config;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.sinks = config.sinks().toArray(new AuditSink[0]);
    this.encoded = new EncodedAuditSink[sinks.length];
    for (int i = 0; i < sinks.length; i++) {
      if (sinks[i] instanceof EncodedAuditSink) {
        encoded[i] = (EncodedAuditSink) sinks[i];
      }
    }
    this.abandoned = new boolean[sinks.length];
    this.failing = new boolean[sinks.length];
    this.missed = new long[sinks.length];
    this.seq = head.seq();
    this.prevHash = head.hash();
    this.prevAscii = head.hash().getBytes(StandardCharsets.US_ASCII);
    byte[] rnd = new byte[8];
    new SecureRandom().nextBytes(rnd);
    this.idPrefix = AuditJson.hexOf(rnd) + "-";
    this.writer = new Thread(this::run, THREAD_NAME);
    this.writer.setDaemon(true);
  }

  /**
   * Starts a pipeline and its writer thread.
   *
   * @throws IllegalStateException if the sinks report different chain heads, or a head different
   *     from {@link AuditConfig#resumeFrom()}
   * @throws NullPointerException if {@code config} is null
   */
  public static AuditPipeline start(AuditConfig config) {
    Objects.requireNonNull(config, "config");
    ChainHead head = config.resumeFrom();
    String from = head == null ? null : "AuditConfig.resumeFrom";
    for (int i = 0; i < config.sinks().size(); i++) {
      AuditSink s = config.sinks().get(i);
      if (s instanceof EncodedAuditSink) {
        ChainHead h = ((EncodedAuditSink) s).resumeHead();
        if (h == null) {
          continue;
        }
        if (head == null) {
          head = h;
          from = "sink #" + i;
        } else if (!head.equals(h)) {
          throw new IllegalStateException("audit sink #" + i + " continues the chain at seq " + h.seq()
              + " but " + from + " at seq " + head.seq() + "; refusing to fork the chain");
        }
      }
    }
    AuditPipeline p = new AuditPipeline(config, head == null ? ChainHead.GENESIS : head);
    p.writer.start();
    return p;
  }

  /**
   * Enqueues an event under the configured overflow behaviour. Never performs I/O or hashing on the
   * caller's thread.
   *
   * @return {@code false} if the record was refused (pipeline closed, or the DENY_AFTER_WAIT wait
   *     expired, or the thread was interrupted): the caller must deny with {@code AUDIT_UNAVAILABLE};
   *     {@code true} if it was queued or, under GAP, dropped and counted in an {@code audit.gap}
   * @throws NullPointerException if {@code event} is null
   * @throws IllegalArgumentException for the pipeline's own types {@code audit.gap} and
   *     {@code audit.checkpoint}
   */
  public boolean record(AuditEvent.Builder event) {
    rejectReservedType(event);
    producers.incrementAndGet();
    try {
      if (closed) {
        refused.incrementAndGet();
        return false;
      }
      if (queue.offer(event)) {
        return true;
      }
      switch (config.overflow()) {
        case GAP:
          pendingGap.incrementAndGet();
          gapsTotal.incrementAndGet();
          return true;
        case DENY_AFTER_WAIT:
          if (queue.offer(event, config.overflowWait().toNanos(), TimeUnit.NANOSECONDS)) {
            return true;
          }
          refused.incrementAndGet();
          return false;
        case BLOCK:
        default:
          while (!queue.offer(event, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (closed) {
              refused.incrementAndGet();
              return false;
            }
          }
          return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refused.incrementAndGet();
      return false;
    } finally {
      producers.decrementAndGet();
    }
  }

  /**
   * Write-ahead: enqueues an event and waits until every sink has written and flushed it.
   *
   * @return {@code true} once every sink took and flushed the event; {@code false} on timeout, after
   *     close, or when interrupted. On {@code false} the event was either never written, or (when
   *     the writer had already taken it) is written later; the caller must deny in both cases.
   * @throws NullPointerException if an argument is null
   */
  public boolean recordDurably(AuditEvent.Builder event, Duration timeout) {
    rejectReservedType(event);
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    Durable d = new Durable(event);
    producers.incrementAndGet();
    try {
      if (closed || !(queue.offer(d) || queue.offer(d, deadline - System.nanoTime(), TimeUnit.NANOSECONDS))) {
        refused.incrementAndGet();
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refused.incrementAndGet();
      return false;
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
      d.state.compareAndSet(Durable.PENDING, Durable.CANCELLED);
      refused.incrementAndGet();
    }
    return ok;
  }

  /** Gap and checkpoint records are the writer's own: a caller's would corrupt what they attest. */
  private static void rejectReservedType(AuditEvent.Builder event) {
    String type = Objects.requireNonNull(event, "event").type();
    if (AuditEvent.AUDIT_GAP.equals(type) || AuditEvent.AUDIT_CHECKPOINT.equals(type)) {
      throw new IllegalArgumentException(type + " records are written by the pipeline itself");
    }
  }

  /** A live view of the pipeline's state; never contains event data. */
  public AuditHealth health() {
    return health;
  }

  private final AuditHealth health = new AuditHealth() {
    @Override
    public boolean healthy() {
      return !closed && failingSink == null;
    }

    @Override
    public long queued() {
      return queue.size();
    }

    @Override
    public long written() {
      return written;
    }

    @Override
    public long gaps() {
      return gapsTotal.get();
    }

    @Override
    public long refused() {
      return refused.get();
    }

    @Override
    public String failingSink() {
      return failingSink;
    }

    @Override
    public String lastError() {
      return lastError;
    }

    @Override
    public String toString() {
      return "AuditHealth{healthy=" + healthy() + ", queued=" + queued() + ", written=" + written()
          + ", gaps=" + gaps() + ", refused=" + refused() + ", failingSink=" + failingSink + "}";
    }
  };

  /**
   * Stops accepting records (later calls return {@code false}), writes everything queued, appends a
   * final checkpoint when a signer is configured, flushes and closes every sink. Bounded by the
   * close timeout: a sink that keeps failing past it is given up on with one error log saying how
   * many events it did not take. Idempotent; safe to call from any thread.
   */
  @Override
  public void close() {
    if (!closeStarted.compareAndSet(false, true)) {
      awaitWriter(config.closeTimeout().toNanos());
      return;
    }
    long deadline = System.nanoTime() + config.closeTimeout().toNanos();
    closeDeadlineNanos = deadline;
    closed = true;
    while (producers.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(100_000);
    }
    drainRequested = true;
    if (!awaitWriter(deadline - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200))) {
      LOG.error("audit writer did not finish within closeTimeout {} (a sink is stalled); {} queued "
          + "records were not written", config.closeTimeout(), queue.size());
    }
  }

  private boolean awaitWriter(long nanos) {
    try {
      return writerDone.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---------------------------------------------------------------- writer thread

  private void run() {
    try {
      lastCheckpointMillis = config.clock().millis();
      while (true) {
        batch.clear();
        queue.drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) {
          if (drainRequested && queue.isEmpty() && pendingGap.get() == 0) {
            break;
          }
          if (unflushed > 0 && System.nanoTime() - unflushedSinceNanos >= LINGER_NANOS) {
            flushAll();
            unflushed = 0;
          }
          Object o;
          try {
            o = queue.poll(unflushed > 0 ? LINGER_NANOS : POLL_NANOS, TimeUnit.NANOSECONDS);
          } catch (InterruptedException e) {
            o = null; // the writer is not stopped by interrupts, only by close()
          }
          if (o != null) {
            batch.add(o);
            queue.drainTo(batch, MAX_BATCH - 1);
          }
        }
        boolean wrote = writeGapIfAny();
        for (int i = 0, n = batch.size(); i < n; i++) {
          Object o = batch.get(i);
          AuditEvent.Builder b;
          if (o instanceof Durable) {
            Durable d = (Durable) o;
            if (!d.state.compareAndSet(Durable.PENDING, Durable.TAKEN)) {
              continue;
            }
            waiters.add(d);
            b = d.builder;
          } else {
            b = (AuditEvent.Builder) o;
          }
          writeEvent(b);
          wrote = true;
          if (config.checkpointEveryEvents() > 0 && eventsSinceCheckpoint >= config.checkpointEveryEvents()) {
            writeCheckpoint();
          }
        }
        batch.clear();
        wrote |= checkpointByInterval();
        if (wrote) {
          if (unflushed == 0) {
            unflushedSinceNanos = System.nanoTime();
          }
          unflushed++;
        }
        if (unflushed > 0 && (!waiters.isEmpty() || drainRequested || unflushed >= MAX_UNFLUSHED_BATCHES
            || System.nanoTime() - unflushedSinceNanos >= LINGER_NANOS)) {
          flushAll();
          unflushed = 0;
        }
        completeWaiters();
      }
      writeGapIfAny();
      if (eventsSinceCheckpoint > 0) {
        writeCheckpoint();
      }
      flushAll();
      completeWaiters();
      closeSinks();
    } catch (Throwable t) {
      closed = true;
      lastError = "writer: " + t.getClass().getName();
      LOG.error("audit writer failed; the pipeline no longer accepts records", t);
      failWaiters();
    } finally {
      Object o;
      long lost = 0;
      while ((o = queue.poll()) != null) {
        if (o instanceof Durable) {
          ((Durable) o).complete(false);
        } else {
          lost++;
        }
      }
      if (lost > 0) {
        LOG.error("audit writer stopped with {} queued records not written", lost);
      }
      writerDone.countDown();
    }
  }

  private boolean writeGapIfAny() {
    long n = pendingGap.getAndSet(0);
    if (n == 0) {
      return false;
    }
    writeEvent(AuditEvent.builder(AuditEvent.AUDIT_GAP).count(n));
    return true;
  }

  private boolean checkpointByInterval() {
    if (config.signer() == null || config.checkpointInterval().isZero()) {
      return false;
    }
    long now = config.clock().millis();
    if (now < lastCheckpointMillis) {
      lastCheckpointMillis = now;
      return false;
    }
    if (eventsSinceCheckpoint > 0 && now - lastCheckpointMillis >= config.checkpointInterval().toMillis()) {
      return writeCheckpoint();
    }
    return false;
  }

  private boolean writeCheckpoint() {
    CheckpointSigner signer = config.signer();
    if (signer == null) {
      return false;
    }
    String sig;
    String keyId;
    try {
      keyId = signer.keyId();
      sig = Base64.getUrlEncoder().withoutPadding().encodeToString(
          signer.sign(CheckpointSigner.message(seq, prevHash)));
      if (signerFailing) {
        signerFailing = false;
        LOG.info("audit checkpoint signer recovered");
      }
    } catch (RuntimeException e) {
      lastError = "checkpoint signer: " + e.getClass().getName();
      if (!signerFailing) {
        signerFailing = true;
        LOG.error("audit checkpoint signer failed ({}); checkpoints are skipped until it recovers",
            e.getClass().getName());
      }
      return false;
    }
    writeEvent(AuditEvent.builder(AuditEvent.AUDIT_CHECKPOINT).signature(sig).keyId(keyId));
    eventsSinceCheckpoint = 0;
    lastCheckpointMillis = config.clock().millis();
    return true;
  }

  private void writeEvent(AuditEvent.Builder b) {
    long s = seq + 1;
    b.v(AuditEvent.FORMAT_VERSION).seq(s).id(idPrefix + s).ts(timestamp(config.clock().millis()))
        .prev(prevHash).parent(null).hash(null);
    AuditEvent draft = b.build();
    String task = draft.task();
    String parent = null;
    if (task != null) {
      parent = AuditEvent.TASK_COMPLETED.equals(draft.type())
          ? lastIdByTask.remove(task) : lastIdByTask.put(task, draft.id());
    }
    buf.reset();
    AuditJson.writeCanonical(draft, parent, buf);
    md.reset();
    md.update(prevAscii);
    md.update(buf.array(), 0, buf.length());
    byte[] hashAscii = AuditJson.hashAscii(md.digest());
    String hash = new String(hashAscii, StandardCharsets.ISO_8859_1);
    AuditJson.appendHash(buf, hashAscii);
    AuditEvent sealed = b.parent(parent).hash(hash).build();
    seq = s;
    prevHash = hash;
    prevAscii = hashAscii;
    if (!AuditEvent.AUDIT_CHECKPOINT.equals(sealed.type())) {
      eventsSinceCheckpoint++;
    }
    deliver(sealed);
    written = written + 1;
  }

  private String timestamp(long millis) {
    long sec = Math.floorDiv(millis, 1000L);
    int ms = (int) Math.floorMod(millis, 1000L);
    if (sec != tsSecond) {
      tsSecond = sec;
      tsPrefix = TS_SECONDS.format(LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC)) + ".";
    }
    char[] tail = {(char) ('0' + ms / 100), (char) ('0' + ms / 10 % 10), (char) ('0' + ms % 10), 'Z'};
    return tsPrefix.concat(new String(tail));
  }

  private void deliver(AuditEvent e) {
    for (int i = 0; i < sinks.length; i++) {
      if (abandoned[i]) {
        missed[i]++;
        continue;
      }
      long backoff = MIN_BACKOFF_NANOS;
      while (true) {
        try {
          if (encoded[i] != null) {
            encoded[i].write(e, buf.array(), 0, buf.length());
          } else {
            sinks[i].write(e);
          }
          recovered(i);
          break;
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable t) {
          if (!retry(i, t, "write", backoff)) {
            missed[i]++;
            break;
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
      }
    }
  }

  private void flushAll() {
    for (int i = 0; i < sinks.length; i++) {
      long backoff = MIN_BACKOFF_NANOS;
      while (!abandoned[i]) {
        try {
          sinks[i].flush();
          recovered(i);
          break;
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable t) {
          if (!retry(i, t, "flush", backoff)) {
            break;
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
      }
    }
  }

  /** Records a failure, waits the backoff; false when the sink is given up on (close timeout passed). */
  private boolean retry(int i, Throwable t, String op, long backoff) {
    String name = sinkName(i);
    lastError = name + ": " + t.getClass().getName();
    if (!failing[i]) {
      failing[i] = true;
      failingSink = name;
      LOG.warn("audit sink {} failed to {} ({}); retrying with backoff, later events wait behind it",
          name, op, t.getClass().getName());
    }
    long wait = backoff;
    if (closed) {
      long left = closeDeadlineNanos - System.nanoTime();
      if (left <= 0) {
        abandoned[i] = true;
        return false;
      }
      wait = Math.min(wait, left);
    }
    LockSupport.parkNanos(wait);
    return true;
  }

  private void recovered(int i) {
    if (failing[i]) {
      failing[i] = false;
      LOG.info("audit sink {} recovered", sinkName(i));
      boolean any = false;
      for (boolean f : failing) {
        any |= f;
      }
      if (!any) {
        failingSink = null;
      }
    }
  }

  private String sinkName(int i) {
    return "#" + i + " " + sinks[i].getClass().getName();
  }

  private void completeWaiters() {
    boolean ok = true;
    for (boolean a : abandoned) {
      ok &= !a;
    }
    for (int i = 0, n = waiters.size(); i < n; i++) {
      waiters.get(i).complete(ok);
    }
    waiters.clear();
  }

  private void failWaiters() {
    for (Durable d : waiters) {
      d.complete(false);
    }
    waiters.clear();
  }

  private void closeSinks() {
    for (int i = 0; i < sinks.length; i++) {
      try {
        sinks[i].close();
      } catch (VirtualMachineError fatal) {
        throw fatal;
      } catch (Throwable t) {
        lastError = sinkName(i) + ": " + t.getClass().getName();
        LOG.error("audit sink {} failed to close ({})", sinkName(i), t.getClass().getName());
      }
      if (abandoned[i]) {
        LOG.error("audit sink {} kept failing past closeTimeout {}; gave up on it: {} events were not "
            + "written to it", sinkName(i), config.closeTimeout(), missed[i]);
      }
    }
  }

  /** A write-ahead record and its waiter. */
  private static final class Durable {
    static final int PENDING = 0;
    static final int TAKEN = 1;
    static final int CANCELLED = 2;
    static final int OK = 3;
    static final int FAILED = 4;
    final AuditEvent.Builder builder;
    final AtomicInteger state = new AtomicInteger(PENDING);
    final CountDownLatch latch = new CountDownLatch(1);

    Durable(AuditEvent.Builder builder) {
      this.builder = builder;
    }

    void complete(boolean ok) {
      state.compareAndSet(TAKEN, ok ? OK : FAILED);
      state.compareAndSet(PENDING, FAILED);
      latch.countDown();
    }
  }
}
