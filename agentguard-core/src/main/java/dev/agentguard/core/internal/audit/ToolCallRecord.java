package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import java.util.Objects;

/**
 * The trail of one admitted tool call, as one queue entry, in one of two forms.
 *
 * <p><b>One record</b> (a call below the write-ahead risk): a subclass keeps references to what
 * was decided and builds the {@code tool.decision} content on the writer thread ({@link #content()});
 * the pipeline reserves a queue slot for it before the body runs ({@link AuditPipeline#reserveCall})
 * and the caller enqueues it once, after the body returned, with the outcome set
 * ({@link AuditPipeline#recordOutcome}). The writer writes one {@code tool.decision} that also
 * carries {@code outcome}, {@code error} and {@code durationMicros} (and {@code traceId}/{@code spanId}
 * when set), stamped with the time the call was decided.
 *
 * <p><b>Two records</b> (write-ahead): the decision content is built by the caller
 * ({@link WriteAhead}) and enqueued before the body runs
 * ({@link AuditPipeline#recordCallDurably}); after the body the same entry is enqueued again and the
 * writer builds the short {@code tool.completed} ({@link WriteAhead#completion()}), linked to the decision by
 * {@code parent}. A completion says only what its decision does not: {@code task} and {@code tool}
 * (so a task's trail reads alone), {@code outcome}, {@code error} and {@code durationMicros}.
 *
 * <p>Confinement: the caller sets the outcome before the (last) enqueue and never touches the
 * record after it; the queue hands it over (happens-before). The writer-only fields are read and
 * written on the writer thread alone.
 *
 * @since 0.2.0
 */
public abstract class ToolCallRecord {
  /** The call's clock reading (epoch millis) of a one-record call: its record's {@code ts}. */
  private final long decidedMillis;
  /** Set before the completion (or the one record) is enqueued; {@code error} is null for a success. */
  private String error;
  private long durationMicros;
  /** One-record form: 0 not reserved yet, {@code s + 1} slot reserved on gate stripe {@code s}, -1 GAP counted it (never written). */
  byte reservation;
  /** One-record form: the reservation found no room at once and waited for it (BLOCK, DENY_AFTER_WAIT). */
  boolean waitedForRoom;

  /**
   * A call decided at {@code decidedMillis}.
   *
   * @param decidedMillis the call's clock reading, epoch milliseconds: a one-record call's {@code ts}
   */
  protected ToolCallRecord(long decidedMillis) {
    this.decidedMillis = decidedMillis;
  }

  /**
   * The {@code tool.decision} content: for a one-record call built on the writer thread from what
   * the subclass keeps (which must not change after the enqueue); for a write-ahead call the content
   * the caller built.
   */
  protected abstract AuditEvent.Builder content();

  /**
   * Whether reserving this one-record call's slot ({@link AuditPipeline#reserveCall}) had to wait
   * for room; {@code false} when it found room at once or was never reserved.
   */
  public final boolean waitedForRoom() {
    return waitedForRoom;
  }

  /** Whether this is the one-record form. */
  final boolean single() {
    return !(this instanceof WriteAhead);
  }

  /** The time the one-record call was decided, epoch milliseconds. */
  protected final long decidedMillis() {
    return decidedMillis;
  }

  /**
   * Sets the outcome, before {@link AuditPipeline#recordOutcome}.
   *
   * @param failure the exception type name when the body threw, else {@code null}
   * @param micros the body's duration in microseconds
   */
  public final void outcome(String failure, long micros) {
    this.error = failure;
    this.durationMicros = micros;
  }

  /**
   * The trace id of the call's span for the outcome members (a validated W3C id), or {@code null}
   * (the default: no call observer): set, when a call observer supplied it, before the completion
   * (or the one record) is enqueued.
   */
  protected String traceId() {
    return null;
  }

  /** The span id that goes with {@link #traceId()}, or {@code null}. */
  protected String spanId() {
    return null;
  }

  /** Adds the outcome members ({@code outcome, error, durationMicros, traceId, spanId}) to {@code b}; returns it. */
  public final AuditEvent.Builder withOutcome(AuditEvent.Builder b) {
    return b.outcome(error != null ? "failure" : "success")
        .error(error)
        .durationMicros(durationMicros)
        .traceId(traceId())
        .spanId(spanId());
  }

  /** The one record of a one-record call: its decision content with the outcome. Writer thread. */
  final AuditEvent.Builder combined() {
    return withOutcome(content());
  }

  /**
   * A write-ahead call's two records (and a dry run's decision): the decision content is built by
   * the caller, and the short {@code tool.completed} follows.
   *
   * @since 0.2.0
   */
  public static final class WriteAhead extends ToolCallRecord {
    private final AuditEvent.Builder decision;
    private final String task;
    private final String tool;
    /** Set, when a call observer supplied them, before the completion is enqueued. */
    private String traceId;
    private String spanId;
    /** Set by the pipeline when the decision was dropped (GAP) rather than queued. */
    boolean decisionDropped;
    /** Writer only: the decision was sealed, under this id. */
    boolean decisionWritten;
    String decisionId;

    /**
     * A write-ahead call's two records.
     *
     * @param decision the {@code tool.decision} content; handed over, not used by the caller afterwards
     * @param task the task id, or {@code null}
     * @param tool the tool name
     * @throws NullPointerException if {@code decision} is null
     * @throws IllegalArgumentException if {@code decision} is not a {@code tool.decision}
     */
    public WriteAhead(AuditEvent.Builder decision, String task, String tool) {
      super(Long.MIN_VALUE);
      if (!AuditEvent.TOOL_DECISION.equals(Objects.requireNonNull(decision, "decision").type())) {
        throw new IllegalArgumentException("a call's first record is a tool.decision, not " + decision.type());
      }
      this.decision = decision;
      this.task = task;
      this.tool = tool;
    }

    @Override
    protected AuditEvent.Builder content() {
      return decision;
    }

    /**
     * Sets the trace context of the call's span (validated W3C ids or {@code null}), before
     * {@link AuditPipeline#recordOutcome}.
     */
    public void traceContext(String traceId, String spanId) {
      this.traceId = traceId;
      this.spanId = spanId;
    }

    @Override
    protected String traceId() {
      return traceId;
    }

    @Override
    protected String spanId() {
      return spanId;
    }

    /**
     * A new builder of the short {@code tool.completed} content (without {@code parent}, which the
     * writer sets).
     */
    public AuditEvent.Builder completion() {
      return withOutcome(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task(task).tool(tool));
    }
  }
}
