package dev.agentguard.opentelemetry;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.time.Instant;

/**
 * An {@link AuditSink} that emits each audit record as an OpenTelemetry log record, so the trail
 * can flow through a collector: event name = the record's type, timestamp = its {@code ts}, body =
 * the record's fields ({@link AuditRecordValue}), a few attributes to search by (seq, id, hash,
 * task, agent, tool, decision, deny code, policy version), the call's trace and span ids as the log
 * record's context when the record carries them, and a severity by what happened
 * ({@link #severity}).
 *
 * <p>Not a durable sink: the OpenTelemetry SDK's log processor may batch or drop records, and
 * {@link #flush()} cannot force it. Keep a durable sink (JSON Lines, Kafka) as the trail of record
 * and verify that one. Called by the guard's writer thread only; {@link #write} after
 * {@link #close()} throws.
 */
final class AuditLogSink implements AuditSink {
  private final Logger logger;
  private volatile boolean closed;

  AuditLogSink(Logger logger) {
    this.logger = logger;
  }

  @Override
  public void write(AuditEvent e) {
    if (closed) {
      throw new IllegalStateException("the OpenTelemetry audit log sink is closed");
    }
    Severity severity = severity(e);
    LogRecordBuilder b = logger.logRecordBuilder()
        .setEventName(e.type())
        .setSeverity(severity)
        .setSeverityText(severity.name())
        .setBody(AuditRecordValue.of(e))
        .setAttribute(TelemetryKeys.AUDIT_SEQ, e.seq());
    if (e.ts() != null) {
      b.setTimestamp(Instant.parse(e.ts()));
    }
    put(b, TelemetryKeys.AUDIT_ID, e.id());
    put(b, TelemetryKeys.AUDIT_HASH, e.hash());
    put(b, TelemetryKeys.TASK_ID, e.task());
    put(b, TelemetryKeys.AGENT_ID, e.agent());
    put(b, TelemetryKeys.GEN_AI_TOOL_NAME, e.tool());
    put(b, TelemetryKeys.DECISION, e.decision());
    put(b, TelemetryKeys.DENY_CODE, e.code());
    put(b, TelemetryKeys.POLICY_VERSION, e.policyVersion());
    if (e.traceId() != null && e.spanId() != null) {
      SpanContext call = SpanContext.create(e.traceId(), e.spanId(), TraceFlags.getDefault(), TraceState.getDefault());
      b.setContext(Context.root().with(Span.wrap(call)));
    }
    b.emit();
  }

  @Override
  public void close() {
    closed = true;
  }

  /**
   * WARN for a denied decision, a failed tool call, a rejected policy, a failed secret revocation
   * and a refused or expired approval; ERROR for {@code audit.gap} (records were lost); INFO else.
   */
  static Severity severity(AuditEvent e) {
    if ("DENY".equals(e.decision()) || "failure".equals(e.outcome())) {
      return Severity.WARN;
    }
    return switch (e.type()) {
      case AuditEvent.AUDIT_GAP -> Severity.ERROR;
      case AuditEvent.POLICY_REJECTED, AuditEvent.SECRET_REVOKE_FAILED, AuditEvent.APPROVAL_DENIED,
          AuditEvent.APPROVAL_EXPIRED -> Severity.WARN;
      default -> Severity.INFO;
    };
  }

  private static void put(LogRecordBuilder b, AttributeKey<String> key, String value) {
    if (value != null) {
      b.setAttribute(key, value);
    }
  }
}
