package dev.agentguard.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-call metrics: {@value TelemetryKeys#METRIC_DECISIONS} counts decided calls by bounded tool
 * name, decision and deny code; {@value TelemetryKeys#METRIC_OVERHEAD} records, in seconds, how long
 * the guard took from a call's arrival to its decision being admitted (for an allowed call: until
 * just before the tool body starts; the tool's own time is not in it). Attribute sets are cached:
 * their number is bounded by known tools times deny codes. Thread-safe.
 */
final class CallMetrics {
  /**
   * Bucket boundaries in seconds: 5 µs to 2.5 s (a decision takes microseconds; a write-ahead one
   * waits for the sinks).
   */
  static final List<Double> OVERHEAD_BUCKETS = List.of(0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5);

  private final LongCounter decisions;
  private final DoubleHistogram overhead;
  private final Map<String, Attributes> attributes = new ConcurrentHashMap<>();

  CallMetrics(Meter meter) {
    this.decisions = meter.counterBuilder(TelemetryKeys.METRIC_DECISIONS)
        .setDescription("Guarded tool calls decided, by tool, decision and deny code")
        .setUnit("{decision}")
        .build();
    this.overhead = meter.histogramBuilder(TelemetryKeys.METRIC_OVERHEAD)
        .setDescription("Time the guard took from a call's arrival to its admitted decision, excluding the tool")
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(OVERHEAD_BUCKETS)
        .build();
  }

  /**
   * Records one decision.
   *
   * @param tool the bounded tool name
   * @param denyCode the deny code, or {@code null} for an allow
   * @param nanos the guard's time for the call
   */
  void decided(String tool, String denyCode, long nanos) {
    Attributes a = attributes.computeIfAbsent(tool + '\n' + denyCode, k -> denyCode == null
        ? Attributes.of(TelemetryKeys.GEN_AI_TOOL_NAME, tool, TelemetryKeys.DECISION, "ALLOW")
        : Attributes.of(TelemetryKeys.GEN_AI_TOOL_NAME, tool, TelemetryKeys.DECISION, "DENY",
            TelemetryKeys.DENY_CODE, denyCode));
    decisions.add(1, a);
    overhead.record(nanos / 1e9, a);
  }
}
