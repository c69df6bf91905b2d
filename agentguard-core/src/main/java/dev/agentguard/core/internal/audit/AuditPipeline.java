package dev.agentguard.core.internal.audit;

import dev.agentguard.AgentGuardException;
import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditHealth;
import dev.agentguard.core.AuditOverflow;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit pipeline: callers enqueue event builders; one daemon writer thread
 * ({@value #THREAD_NAME}) seals them into a hash chain and hands each sealed event to every sink in
 * order. The parts: {@link Admission} (queue and overflow), {@link ChainSealer} (the chain and
 * its hash), {@link RecordBounds} (what a record may hold), {@link Checkpoints} (the signed
 * records), {@link SinkFanout} (sinks, retry, flush, close) and {@link AuditWriter} (the loop that
 * drives them).
 *
 * <p>The writer assigns {@code v}, {@code seq} (gap-free, from 1 or from the resumed head, never
 * from the clock), {@code id} ({@code <16 hex random per pipeline>-<seq>}), {@code ts} (ISO-8601 UTC
 * with milliseconds from the config clock), {@code parent}, {@code prev} and {@code hash}. Each
 * event is encoded once; the same sealed, deeply immutable event goes to every sink. Every run
 * starts with an {@code audit.opened} record (naming the signing key) and a clean {@link #close()}
 * ends it with a signed {@code audit.closed} record.
 *
 * <p>No record is lost silently: each is written, counted in an {@code audit.gap} event
 * ({@link AuditOverflow#GAP}), or its {@code record}/{@code recordDurably} call returned
 * {@code false}. Sinks run on the writer thread only, so a throwing or stalling sink never throws
 * into, or blocks beyond the configured bounds, a caller; a sink that throws (even an
 * {@link Error}) is retried, and only a fatal {@link VirtualMachineError} stops the writer.
 *
 * <p>Thread-safe. Callers hand over their builder: it must not be used after the call.
 *
 * @since 0.1.0
 */
public final class AuditPipeline implements AutoCloseable {
  /** Name of the writer thread. */
  public static final String THREAD_NAME = "agentguard-audit-writer";
  private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);

  private final AuditConfig config;
  private final Admission admission;
  private final SinkFanout sinks;
  private final AuditWriter writer;
  private final AtomicBoolean closeStarted = new AtomicBoolean();

  private AuditPipeline(AuditConfig config, ChainHead head) {
    this.config = config;
    this.admission = new Admission(config);
    this.sinks = new SinkFanout(config.sinks());
    this.writer = new AuditWriter(config, admission, sinks, head);
  }

  /**
   * Starts a pipeline and its writer thread.
   *
   * @throws IllegalStateException if the sinks report different chain heads, or a head different
   *     from {@link AuditConfig#resumeFrom()}
   * @throws AgentGuardException if every sink would discard every event (the SLF4J sink with no
   *     SLF4J provider on the class path), naming the fix
   * @throws NullPointerException if {@code config} is null
   */
  public static AuditPipeline start(AuditConfig config) {
    Objects.requireNonNull(config, "config");
    requireARecordingSink(config);
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
    Thread t = new Thread(p.writer, THREAD_NAME);
    t.setDaemon(true);
    t.start();
    return p;
  }

  private static void requireARecordingSink(AuditConfig config) {
    for (AuditSink s : config.sinks()) {
      if (!(s instanceof Slf4jSink) || !Slf4jSink.discardsEverything()) {
        return;
      }
    }
    throw new AgentGuardException("every audit sink would discard every event: the SLF4J audit sink "
        + "logs to the no-operation logger because no SLF4J provider is on the class path. Add an "
        + "SLF4J provider (for example ch.qos.logback:logback-classic) or give the guard a sink that "
        + "records, e.g. AgentGuard.builder().auditSink(AuditSinks.jsonLines(Path.of(\"audit.jsonl\")))");
  }

  /**
   * Enqueues an event under the configured overflow behaviour. Never performs I/O or hashing on the
   * caller's thread.
   *
   * @return {@code false} if the record was refused (pipeline closed or its writer stopped, or the
   *     DENY_AFTER_WAIT wait expired, or the thread was interrupted): the caller must deny with
   *     {@code AUDIT_UNAVAILABLE}; {@code true} if it was queued or, under GAP, dropped and counted
   *     in an {@code audit.gap}
   * @throws NullPointerException if {@code event} is null
   * @throws IllegalArgumentException for a type that is not one of {@link AuditEvent}'s, or one the
   *     pipeline writes itself ({@code audit.gap, audit.checkpoint, audit.opened, audit.closed})
   */
  public boolean record(AuditEvent.Builder event) {
    return admission.record(event);
  }

  /**
   * Write-ahead: enqueues an event and waits until every sink has written and flushed it.
   *
   * @return {@code true} once every sink took and flushed the event; {@code false} on timeout, after
   *     close, or when interrupted. On {@code false} the event was either never written, or (when
   *     the writer had already taken it) is written later; the caller must deny in both cases.
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException for the types {@link #record} refuses
   */
  public boolean recordDurably(AuditEvent.Builder event, Duration timeout) {
    return admission.recordDurably(event, timeout);
  }

  /**
   * Enqueues the {@code tool.decision} of an admitted call, like {@link #record}; its outcome follows
   * with {@link #recordOutcome}.
   *
   * @return as {@link #record}
   * @throws NullPointerException if {@code call} is null
   * @since 0.2.0
   */
  public boolean recordCall(ToolCallRecord.WriteAhead call) {
    return admission.recordCall(Objects.requireNonNull(call, "call"));
  }

  /**
   * Write-ahead for the {@code tool.decision} of an admitted call, like {@link #recordDurably}; its
   * outcome follows with {@link #recordOutcome}.
   *
   * @return as {@link #recordDurably}
   * @throws NullPointerException if an argument is null
   * @since 0.2.0
   */
  public boolean recordCallDurably(ToolCallRecord.WriteAhead call, Duration timeout) {
    return admission.recordCallDurably(Objects.requireNonNull(call, "call"), timeout);
  }

  /**
   * Reserves the queue slot of a one-record call ({@link ToolCallRecord} made by its subclass
   * constructor) before its body runs, under the overflow behaviour: {@code BLOCK} waits for room,
   * {@code DENY_AFTER_WAIT} waits its bounded time, {@code GAP} lets the call run and counts its
   * record in the next {@code audit.gap}. The record is enqueued later with {@link #recordOutcome},
   * which then never waits and never fails; a call that does not run must {@link #releaseCall}.
   * {@link #close()} waits (bounded by the close timeout) for every reservation to be redeemed or
   * released, and counts those still held then in an {@code audit.gap} with an error log.
   *
   * @return {@code false} if refused (closed, the wait expired, interrupted): the caller must deny
   *     with {@code AUDIT_UNAVAILABLE} before the body runs
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if {@code call} is not a one-record call or already reserved
   * @since 0.2.0
   */
  public boolean reserveCall(ToolCallRecord call) {
    return admission.reserveCall(Objects.requireNonNull(call, "call"));
  }

  /**
   * Gives back the slot {@link #reserveCall} reserved for a call that will not run (a later step
   * denied it, something threw); a no-op when nothing is held. Never fails.
   *
   * @throws NullPointerException if {@code call} is null
   * @since 0.2.0
   */
  public void releaseCall(ToolCallRecord call) {
    admission.releaseCall(Objects.requireNonNull(call, "call"));
  }

  /**
   * Enqueues the one record of a call {@link #reserveCall} reserved (into its slot; never waits), or
   * the short {@code tool.completed} of a call whose decision went through
   * {@link #recordCall} or {@link #recordCallDurably} and whose {@link ToolCallRecord#outcome} is set;
   * the writer links it to the decision by {@code parent}. The caller must not touch {@code call}
   * afterwards.
   *
   * @return as {@link #record}
   * @throws NullPointerException if {@code call} is null
   * @since 0.2.0
   */
  public boolean recordOutcome(ToolCallRecord call) {
    return admission.recordOutcome(Objects.requireNonNull(call, "call"));
  }

  /**
   * A snapshot of the pipeline's state, taken at once; never contains event data. Thread-safe.
   */
  public AuditHealth health() {
    SinkFanout.Status s = sinks.status();
    String stopped = writer.stoppedBy();
    return new HealthSnapshot(!admission.closed(), stopped != null, admission.queued(), writer.written(),
        admission.gaps(), admission.refused(), s.failingSink(), stopped != null ? stopped : s.lastError());
  }

  /**
   * Stops accepting records (later calls return {@code false}), waits for the calls holding a
   * reserved slot ({@link #reserveCall}) to enqueue their record, writes everything queued, writes
   * the signed close record, flushes and closes every sink. Bounded by the close timeout: a sink
   * that keeps failing past it is given up on with one error log saying how many events it did not
   * take. Idempotent; safe to call from any thread.
   */
  @Override
  public void close() {
    if (!closeStarted.compareAndSet(false, true)) {
      writer.await(config.closeTimeout().toNanos());
      return;
    }
    long deadline = System.nanoTime() + config.closeTimeout().toNanos();
    sinks.giveUpAt(deadline);
    admission.close(deadline);
    writer.requestDrain();
    if (!writer.await(deadline - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200))) {
      LOG.error("audit writer did not finish within closeTimeout {} (a sink is stalled); {} queued "
          + "records were not written", config.closeTimeout(), admission.queued());
    }
  }

  /** An immutable health value; {@code healthy} is derived from the other values of the same snapshot. */
  private record HealthSnapshot(boolean accepting, boolean writerStopped, long queued, long written, long gaps,
                                long refused, String failingSink, String lastError) implements AuditHealth {
    @Override
    public boolean healthy() {
      return accepting && !writerStopped && failingSink == null;
    }

    @Override
    public String toString() {
      return "AuditHealth{healthy=" + healthy() + ", accepting=" + accepting + ", writerStopped="
          + writerStopped + ", queued=" + queued + ", written=" + written + ", gaps=" + gaps
          + ", refused=" + refused + ", failingSink=" + failingSink + ", lastError=" + lastError + "}";
    }
  }
}
