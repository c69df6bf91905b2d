package dev.agentguard.opentelemetry;

import dev.agentguard.AuditSink;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.spi.CallObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * OpenTelemetry for an {@link AgentGuard}: a span per guarded call, decision and overhead metrics,
 * audit health metrics, and the audit trail as log records. Every name it exports is in
 * {@link TelemetryKeys}; {@code docs/export.md} has the tables.
 *
 * <pre>{@code
 * AgentGuardTelemetry telemetry = AgentGuardTelemetry.create(openTelemetry);
 * AgentGuard guard = AgentGuard.builder()
 *     .policy(Path.of("policies.yaml"))
 *     .auditSink(AuditSinks.jsonLines(Path.of("audit.jsonl")))  // the durable trail of record
 *     .auditSink(telemetry.auditLogSink())                      // the same records as OTel logs
 *     .callObserver(telemetry.callObserver())                   // spans and call metrics
 *     .build();
 * AutoCloseable health = telemetry.observeAuditHealth(guard);   // audit queue, gaps, refused
 * }</pre>
 *
 * <p>Only the OpenTelemetry API is needed at compile time; with no SDK installed everything is a
 * no-op. Nothing here sees a raw argument: spans, metrics and log records are built from the
 * content of audit records, where {@code @Redact} values are digests and credentials ids.
 * Thread-safe.
 *
 * @since 0.2.0
 */
public final class AgentGuardTelemetry {
  private final OpenTelemetry openTelemetry;
  private final Meter meter;
  private final CallTelemetry calls;

  private AgentGuardTelemetry(Builder b) {
    this.openTelemetry = b.openTelemetry;
    this.meter = openTelemetry.getMeter(TelemetryKeys.SCOPE);
    this.calls = new CallTelemetry(openTelemetry.getTracer(TelemetryKeys.SCOPE), new CallMetrics(meter),
        new ToolNames(b.knownTools, b.maxLearntTools));
  }

  /**
   * Telemetry with the defaults: tool names in metrics are learnt from allowed calls, at most 256.
   *
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static AgentGuardTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * A builder for telemetry on {@code openTelemetry}.
   *
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * The observer to give {@link AgentGuard.Builder#callObserver}: spans and call metrics. One may
   * serve many guards.
   */
  public CallObserver callObserver() {
    return calls;
  }

  /**
   * A new sink to give {@link AgentGuard.Builder#auditSink}: every audit record as a log record.
   * It is not durable (the SDK may batch or drop); keep a durable sink as the trail of record.
   * One sink per guard.
   */
  public AuditSink auditLogSink() {
    return new AuditLogSink(openTelemetry.getLogsBridge().get(TelemetryKeys.SCOPE));
  }

  /**
   * Registers the audit health metrics of {@code guard} (queue depth, healthy, written, gaps,
   * refused), attributed with its instance id; closing the result unregisters them.
   *
   * @throws NullPointerException if {@code guard} is null
   */
  public AutoCloseable observeAuditHealth(AgentGuard guard) {
    return new AuditHealthMetrics(meter, Objects.requireNonNull(guard, "guard"));
  }

  /** Builds {@link AgentGuardTelemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private Set<String> knownTools;
    private Integer maxLearntTools;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * The only tool names metrics and span names may carry; any other becomes
     * {@value TelemetryKeys#OTHER_TOOL}. Default: names are learnt from allowed calls (see
     * {@link #maxLearntTools}). Span attributes keep the requested name either way.
     *
     * @throws IllegalStateException if set twice
     * @throws NullPointerException if {@code tools} or one of its names is null
     */
    public Builder knownTools(Collection<String> tools) {
      if (knownTools != null) {
        throw new IllegalStateException("knownTools was already set");
      }
      Set<String> copy = new LinkedHashSet<>();
      for (String t : Objects.requireNonNull(tools, "tools")) {
        copy.add(Objects.requireNonNull(t, "tool name"));
      }
      this.knownTools = copy;
      return this;
    }

    /**
     * Without {@link #knownTools}: how many distinct tool names (first allowed by the policy, then
     * kept) metrics and span names may carry; later ones are {@value TelemetryKeys#OTHER_TOOL}.
     * Default 256.
     *
     * @throws IllegalArgumentException unless 1 to 10,000
     * @throws IllegalStateException if set twice
     */
    public Builder maxLearntTools(int max) {
      if (maxLearntTools != null) {
        throw new IllegalStateException("maxLearntTools was already set");
      }
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxLearntTools must be between 1 and 10000, got " + max);
      }
      this.maxLearntTools = max;
      return this;
    }

    /** The telemetry. */
    public AgentGuardTelemetry build() {
      if (maxLearntTools == null) {
        maxLearntTools = 256;
      }
      return new AgentGuardTelemetry(this);
    }
  }
}
