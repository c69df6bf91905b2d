package dev.agentguard.opentelemetry;

import dev.agentguard.core.spi.CallObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

/**
 * The {@link CallObserver} of this module: starts a span per guarded call, a child of the span
 * current on the calling thread, and records the call metrics. Thread-safe; each call gets its own
 * {@link ToolCallSpan}.
 */
final class CallTelemetry implements CallObserver {
  private final Tracer tracer;
  private final CallMetrics metrics;
  private final ToolNames names;

  CallTelemetry(Tracer tracer, CallMetrics metrics, ToolNames names) {
    this.tracer = tracer;
    this.metrics = metrics;
    this.names = names;
  }

  @Override
  public Observation callStarted(String tool) {
    long started = System.nanoTime();
    Span span = tracer.spanBuilder(spanName(names.bounded(tool)))
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(TelemetryKeys.GEN_AI_OPERATION_NAME, TelemetryKeys.EXECUTE_TOOL)
        .setAttribute(TelemetryKeys.GEN_AI_TOOL_NAME, tool)
        .startSpan();
    return new ToolCallSpan(this, span, tool, started);
  }

  /** The span name for a bounded tool name: {@code execute_tool <tool>}, as the GenAI conventions name it. */
  static String spanName(String boundedTool) {
    return TelemetryKeys.EXECUTE_TOOL + ' ' + boundedTool;
  }

  CallMetrics metrics() {
    return metrics;
  }

  ToolNames names() {
    return names;
  }
}
