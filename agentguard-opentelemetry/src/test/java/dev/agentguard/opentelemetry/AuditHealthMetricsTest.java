package dev.agentguard.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.DenyCode;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit health metrics read the guard's auditHealth(), per instance, until unregistered. */
class AuditHealthMetricsTest {
  private static LongPointData point(Collection<MetricData> metrics, String name) {
    MetricData m = metrics.stream().filter(x -> x.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
    List<LongPointData> points = List.copyOf(switch (m.getType()) {
      case LONG_GAUGE -> m.getLongGaugeData().getPoints();
      case LONG_SUM -> m.getLongSumData().getPoints();
      default -> throw new AssertionError(name + " is " + m.getType());
    });
    assertEquals(1, points.size(), name);
    assertEquals("otel-test-1", points.get(0).getAttributes().get(TelemetryKeys.INSTANCE_ID));
    return points.get(0);
  }

  @Test
  void reportsQueueWrittenGapsRefusedAndHealth() throws Exception {
    try (TelemetryFixture f = new TelemetryFixture()) {
      AutoCloseable health = f.telemetry.observeAuditHealth(f.guard);
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        f.tools.read("/tmp/a");
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (f.guard.auditHealth().queued() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      long writtenBefore = f.guard.auditHealth().written();
      Collection<MetricData> m = f.otel.metrics.collectAllMetrics();
      long writtenAfter = f.guard.auditHealth().written(); // the writer may still be finishing a record
      assertEquals(0, point(m, TelemetryKeys.METRIC_AUDIT_QUEUE).getValue());
      long written = point(m, TelemetryKeys.METRIC_AUDIT_WRITTEN).getValue();
      assertTrue(writtenBefore <= written && written <= writtenAfter,
          writtenBefore + " <= " + written + " <= " + writtenAfter);
      assertTrue(written >= 4, "opened, started, decision, ...: " + written);
      assertEquals(0, point(m, TelemetryKeys.METRIC_AUDIT_GAPS).getValue());
      assertEquals(0, point(m, TelemetryKeys.METRIC_AUDIT_REFUSED).getValue());
      assertEquals(1, point(m, TelemetryKeys.METRIC_AUDIT_HEALTHY).getValue());

      f.guard.close();
      AccessDeniedException late = assertThrows(AccessDeniedException.class, () -> f.tools.read("/tmp/b"));
      assertEquals(DenyCode.AUDIT_UNAVAILABLE, late.code()); // a closed guard denies every call
      m = f.otel.metrics.collectAllMetrics();
      assertEquals(0, point(m, TelemetryKeys.METRIC_AUDIT_HEALTHY).getValue(), "a closed trail is not healthy");
      assertEquals(1, point(m, TelemetryKeys.METRIC_AUDIT_REFUSED).getValue(), "the late call's record was refused");

      health.close();
      assertTrue(f.otel.metrics.collectAllMetrics().stream()
          .filter(x -> x.getName().startsWith("agentguard.audit."))
          .allMatch(x -> x.getData().getPoints().isEmpty()), "unregistered");
    }
  }
}
