package dev.agentguard.opentelemetry;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.spi.CallObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * One guarded call as a span: attributed from the call's audit records only (so nothing a record
 * would not hold, such as a raw {@code @Redact} argument, can reach it), ended with status ERROR
 * and the deny code on a deny, current while an allowed tool body runs (so the tool's own spans are
 * its children), and ended with the outcome when the body returns or throws. A tool exception is
 * recorded by its class name only: messages and stack traces can carry argument values.
 * Confined to the calling thread.
 */
final class ToolCallSpan implements CallObserver.Observation {
  private final CallTelemetry telemetry;
  private final Span span;
  private final String tool;
  private final long startedNanos;
  private Scope scope;

  ToolCallSpan(CallTelemetry telemetry, Span span, String tool, long startedNanos) {
    this.telemetry = telemetry;
    this.span = span;
    this.tool = tool;
    this.startedNanos = startedNanos;
  }

  @Override
  public String traceId() {
    SpanContext c = span.getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  @Override
  public String spanId() {
    SpanContext c = span.getSpanContext();
    return c.isValid() ? c.getSpanId() : null;
  }

  @Override
  public void decided(AuditEvent decision) {
    long nanos = System.nanoTime() - startedNanos;
    boolean allowed = "ALLOW".equals(decision.decision());
    ToolNames names = telemetry.names();
    if (allowed) {
      names.allowed(tool);
    }
    String bounded = names.bounded(tool);
    telemetry.metrics().decided(bounded, allowed ? null : decision.code(), nanos);
    span.updateName(CallTelemetry.spanName(bounded));
    span.setAllAttributes(decisionAttributes(decision, allowed));
    if (allowed) {
      scope = span.makeCurrent();
      return;
    }
    span.setAttribute(TelemetryKeys.DENY_CODE, decision.code());
    span.setAttribute(TelemetryKeys.VERDICT_CODE, decision.code());
    span.setAttribute(TelemetryKeys.ERROR_TYPE, decision.code());
    span.setStatus(StatusCode.ERROR, decision.code());
    span.end();
  }

  @Override
  public void completed(AuditEvent outcome) {
    if (scope != null) {
      scope.close();
      scope = null;
    }
    span.setAttribute(TelemetryKeys.OUTCOME, outcome.outcome());
    if (!"success".equals(outcome.outcome())) {
      String type = outcome.error() != null ? outcome.error() : "failure";
      span.addEvent(TelemetryKeys.EXCEPTION_EVENT, Attributes.of(TelemetryKeys.EXCEPTION_TYPE, type));
      span.setAttribute(TelemetryKeys.ERROR_TYPE, type);
      span.setStatus(StatusCode.ERROR, type);
    }
    span.end();
  }

  private static Attributes decisionAttributes(AuditEvent d, boolean allowed) {
    AttributesBuilder b = Attributes.builder()
        .put(TelemetryKeys.DECISION, allowed ? "ALLOW" : "DENY")
        .put(TelemetryKeys.VERDICT_TYPE, allowed ? "allow" : "deny");
    putIfPresent(b, TelemetryKeys.TASK_ID, d.task());
    putIfPresent(b, TelemetryKeys.AGENT_ID, d.agent());
    putIfPresent(b, TelemetryKeys.POLICY_VERSION, d.policyVersion());
    putIfPresent(b, TelemetryKeys.TOOL_ACTION, d.action());
    putIfPresent(b, TelemetryKeys.TOOL_RISK, d.risk());
    if (!d.policies().isEmpty()) {
      b.put(TelemetryKeys.RULES, d.policies());
    }
    return b.build();
  }

  private static void putIfPresent(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null) {
      b.put(key, value);
    }
  }
}
