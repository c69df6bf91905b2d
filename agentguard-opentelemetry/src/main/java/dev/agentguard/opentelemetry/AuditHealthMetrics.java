package dev.agentguard.opentelemetry;

import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditHealth;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

/**
 * Asynchronous instruments over one guard's {@link AgentGuard#auditHealth()}: queue depth and
 * healthy (gauges), written, gaps and refused (cumulative counters), read from one snapshot per
 * collection and attributed with the guard's instance id. {@link #close()} unregisters them.
 * Thread-safe.
 */
final class AuditHealthMetrics implements AutoCloseable {
  private final BatchCallback callback;

  AuditHealthMetrics(Meter meter, AgentGuard guard) {
    Attributes a = Attributes.of(TelemetryKeys.INSTANCE_ID, guard.instanceId());
    ObservableLongMeasurement queued = meter.gaugeBuilder(TelemetryKeys.METRIC_AUDIT_QUEUE).ofLongs()
        .setDescription("Audit records queued, not yet written").setUnit("{record}").buildObserver();
    ObservableLongMeasurement healthy = meter.gaugeBuilder(TelemetryKeys.METRIC_AUDIT_HEALTHY).ofLongs()
        .setDescription("1 while the audit trail accepts records, its writer runs and no sink fails; else 0")
        .setUnit("1").buildObserver();
    ObservableLongMeasurement written = meter.counterBuilder(TelemetryKeys.METRIC_AUDIT_WRITTEN)
        .setDescription("Audit records every live sink has taken").setUnit("{record}").buildObserver();
    ObservableLongMeasurement gaps = meter.counterBuilder(TelemetryKeys.METRIC_AUDIT_GAPS)
        .setDescription("Audit records dropped under overflow GAP, each counted in an audit.gap record")
        .setUnit("{record}").buildObserver();
    ObservableLongMeasurement refused = meter.counterBuilder(TelemetryKeys.METRIC_AUDIT_REFUSED)
        .setDescription("Audit records the pipeline refused (closed, full, or a write-ahead record not taken in time)")
        .setUnit("{record}").buildObserver();
    this.callback = meter.batchCallback(() -> {
      AuditHealth h = guard.auditHealth();
      queued.record(h.queued(), a);
      healthy.record(h.healthy() ? 1 : 0, a);
      written.record(h.written(), a);
      gaps.record(h.gaps(), a);
      refused.record(h.refused(), a);
    }, queued, healthy, written, gaps, refused);
  }

  @Override
  public void close() {
    callback.close();
  }
}
