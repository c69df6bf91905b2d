package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import java.util.Objects;

/**
 * The two records of one admitted tool call, as one queue entry enqueued twice: first the decision
 * ({@link AuditPipeline#recordCall}), then, after the body ran, the short {@code tool.completed}
 * ({@link AuditPipeline#recordOutcome}). The writer builds the completion itself from the outcome
 * fields and links it to the decision by {@code parent} (the decision's id), so the caller allocates
 * one small object for the outcome instead of a second full record.
 *
 * <p>A completion says only what its decision does not: {@code task} and {@code tool} (so a task's
 * trail reads alone), {@code outcome}, {@code error} and {@code durationMicros}.
 *
 * <p>Confinement: the caller sets the outcome before the second enqueue and never touches the record
 * after it; the queue hands it over (happens-before). The writer-only fields are read and written on
 * the writer thread alone.
 *
 * @since 0.2.0
 */
public final class ToolCallRecord {
  final AuditEvent.Builder decision;
  private final String task;
  private final String tool;
  /** Set before the completion is enqueued. */
  private String error;
  private boolean failed;
  private long durationMicros;
  /** Set, when a call observer supplied them, before the completion is enqueued. */
  private String traceId;
  private String spanId;
  /** Set by the pipeline when the decision was dropped (GAP) rather than queued. */
  boolean decisionDropped;
  /** Writer only: the decision was sealed, under this id. */
  boolean decisionWritten;
  String decisionId;

  /**
   * A call's records.
   *
   * @param decision the {@code tool.decision} content; handed over, not used by the caller afterwards
   * @param task the task id, or {@code null}
   * @param tool the tool name
   * @throws NullPointerException if {@code decision} is null
   * @throws IllegalArgumentException if {@code decision} is not a {@code tool.decision}
   */
  public ToolCallRecord(AuditEvent.Builder decision, String task, String tool) {
    if (!AuditEvent.TOOL_DECISION.equals(Objects.requireNonNull(decision, "decision").type())) {
      throw new IllegalArgumentException("a call's first record is a tool.decision, not " + decision.type());
    }
    this.decision = decision;
    this.task = task;
    this.tool = tool;
  }

  /**
   * Sets the outcome, before {@link AuditPipeline#recordOutcome}.
   *
   * @param failure the exception type name when the body threw, else {@code null}
   * @param micros the body's duration in microseconds
   */
  public void outcome(String failure, long micros) {
    this.failed = failure != null;
    this.error = failure;
    this.durationMicros = micros;
  }

  /**
   * Sets the trace context of the call's span for the completion (validated W3C ids or {@code null}),
   * before {@link AuditPipeline#recordOutcome}.
   */
  public void traceContext(String traceId, String spanId) {
    this.traceId = traceId;
    this.spanId = spanId;
  }

  /**
   * A new builder of the short {@code tool.completed} content (without {@code parent}, which the
   * writer sets). The writer builds the record from it; a call observer gets its content on the
   * caller's thread.
   */
  public AuditEvent.Builder completion() {
    return AuditEvent.builder(AuditEvent.TOOL_COMPLETED)
        .task(task)
        .tool(tool)
        .outcome(failed ? "failure" : "success")
        .error(error)
        .durationMicros(durationMicros)
        .traceId(traceId)
        .spanId(spanId);
  }
}
