package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import dev.agentguard.core.spi.CallObserver;

/**
 * One call as its {@link CallObserver.Observation} follows it: builds the call's audit records with
 * the observation's trace context and hands the observation what those records contain. Every
 * callback is isolated by the {@link CallWatch}. Confined to the calling thread, like the
 * {@link Call} that holds it.
 */
final class WatchedCall {
  /** A call nobody follows (the observer declined it, failed, or it is a dry run). */
  static final WatchedCall NONE = new WatchedCall(null, null);

  private final CallWatch watch;
  private final CallObserver.Observation observation;
  private boolean contextAsked;
  private String traceId;
  private String spanId;
  private AuditEvent decision;

  WatchedCall(CallWatch watch, CallObserver.Observation observation) {
    this.watch = watch;
    this.observation = observation;
  }

  /**
   * The {@code tool.decision} record of {@code call} as it stands, with the trace context of its
   * observation when it has one. The one place the pipeline builds a decision record.
   */
  static AuditEvent.Builder decisionRecord(Call call) {
    AuditEvent.Builder b = ShadowEvaluation.annotate(AuditRecords.decision(AuditEvent.TOOL_DECISION,
        call.task(), call.request(), call.auditAttributes(), call.decision(), call.policyVersion()), call);
    WatchedCall w = call.watched();
    if (w != null && w != NONE) {
      w.traced(b);
      w.decision = b.build();
    }
    return b;
  }

  /**
   * For a one-record call (the {@link Call} itself): builds the decision content the observation
   * will be told about; the call's record reads this call's trace context ({@link #traceId()}).
   */
  void single(Call call) {
    decisionRecord(call);
  }

  /** The validated trace id of this call's span, once asked for; else {@code null}. */
  String traceId() {
    return traceId;
  }

  /** The validated span id of this call's span, once asked for; else {@code null}. */
  String spanId() {
    return spanId;
  }

  /** Adds this call's trace context to one of its records; returns {@code record}. */
  AuditEvent.Builder traced(AuditEvent.Builder record) {
    if (this == NONE) {
      return record;
    }
    if (!contextAsked) {
      contextAsked = true;
      try {
        String t = observation.traceId();
        String s = observation.spanId();
        if (isHex(t, 32) && isHex(s, 16)) {
          traceId = t;
          spanId = s;
        }
      } catch (Throwable t) {
        watch.failed("traceId/spanId", t);
      }
    }
    return record.traceId(traceId).spanId(spanId);
  }

  /** Tells the observation the call's decision record (the last one built for it) was recorded. */
  void decided() {
    if (this == NONE || decision == null) {
      return;
    }
    try {
      observation.decided(decision);
    } catch (Throwable t) {
      watch.failed("decided", t);
    }
  }

  /**
   * The content of {@code outcome}'s {@code tool.completed} as the observation will get it, with this
   * call's trace context added to {@code outcome}; {@code null} for {@link #NONE}. Taken before the record is handed to
   * the audit pipeline, whose writer thread owns it afterwards.
   */
  AuditEvent outcome(Call call, ToolCallRecord outcome) {
    if (this == NONE) {
      return null;
    }
    AuditEvent observed = traced(outcome.withOutcome(AuditEvent.builder(AuditEvent.TOOL_COMPLETED)
        .task(call.task() == null ? null : call.task().id()).tool(call.request().tool()))).build();
    if (outcome instanceof ToolCallRecord.WriteAhead) {
      ((ToolCallRecord.WriteAhead) outcome).traceContext(traceId, spanId); // a one-record call reads them here
    }
    return observed;
  }

  /** Tells the observation the call's outcome record (from {@link #outcome}) was recorded. */
  void completed(AuditEvent outcome) {
    if (this == NONE || outcome == null) {
      return;
    }
    try {
      observation.completed(outcome);
    } catch (Throwable t) {
      watch.failed("completed", t);
    }
  }

  /** Whether {@code s} is {@code length} lower-case hex digits, not all zero (a valid W3C id). */
  static boolean isHex(String s, int length) {
    if (s == null || s.length() != length) {
      return false;
    }
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }
}
