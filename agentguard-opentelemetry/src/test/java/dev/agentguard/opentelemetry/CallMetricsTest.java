package dev.agentguard.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.Risk;
import dev.agentguard.ToolRequest;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #82
/** Decision and overhead metrics after scripted runs: exact counts, bounded tool names. */
class CallMetricsTest {
  static MetricData metric(OtelHarness otel, String name) {
    return otel.metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  /** "tool decision [code]" -> count. */
  static Map<String, Long> decisions(OtelHarness otel) {
    Map<String, Long> out = new TreeMap<>();
    for (LongPointData p : metric(otel, TelemetryKeys.METRIC_DECISIONS).getLongSumData().getPoints()) {
      out.put(key(p.getAttributes()), p.getValue());
    }
    return out;
  }

  static String key(Attributes a) {
    String code = a.get(TelemetryKeys.DENY_CODE);
    return a.get(TelemetryKeys.GEN_AI_TOOL_NAME) + " " + a.get(TelemetryKeys.DECISION)
        + (code != null ? " " + code : "");
  }

  private static ToolRequest request(String tool) {
    return ToolRequest.builder(tool).action("read").risk(Risk.LOW).build();
  }

  @Test
  void countsDecisionsByToolDecisionAndDenyCodeAndTimesEachOne() throws Exception {
    try (TelemetryFixture f = new TelemetryFixture()) {
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        for (int i = 0; i < 3; i++) {
          f.tools.read("/tmp/" + i);
        }
        for (int i = 0; i < 2; i++) {
          assertThrows(AccessDeniedException.class, () -> f.tools.read("/etc/shadow"));
        }
        assertThrows(IllegalStateException.class, () -> f.tools.fail("/tmp/x"));
        assertThrows(AccessDeniedException.class, () -> f.guard.call(request("shell.exec"), () -> "ran"));
        f.tools.send("bob@acme.example", "tok");
      }
      Map<String, Long> expected = new TreeMap<>(Map.of(
          "files.read ALLOW", 3L,
          "files.read DENY FORBIDDEN", 2L,
          "files.fail ALLOW", 1L,
          "_other DENY OUT_OF_SCOPE", 1L,
          "mail.send ALLOW", 1L));
      assertEquals(expected, decisions(f.otel));
      MetricData overhead = metric(f.otel, TelemetryKeys.METRIC_OVERHEAD);
      assertEquals("s", overhead.getUnit());
      Map<String, Long> timed = new TreeMap<>();
      for (HistogramPointData p : overhead.getHistogramData().getPoints()) {
        timed.put(key(p.getAttributes()), p.getCount());
        assertTrue(p.getSum() > 0 && p.getMax() < 10, "plausible seconds: " + p);
        assertEquals(CallMetrics.OVERHEAD_BUCKETS, p.getBoundaries());
      }
      assertEquals(expected, timed, "one overhead measurement per decision");
    }
  }

  @Test
  void aFixedToolSetKeepsEveryOtherNameOut() throws Exception {
    try (TelemetryFixture f = new TelemetryFixture(b -> b.knownTools(Set.of("files.read")))) {
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        f.tools.read("/tmp/a");
        f.tools.send("bob@acme.example", "tok");
        f.tools.send("bob@acme.example", "tok");
      }
      assertEquals(Map.of("files.read ALLOW", 1L, "_other ALLOW", 2L), decisions(f.otel));
    }
  }

  @Test
  void inventedToolNamesThatAPermissiveRuleAllowsStayBoundedByTheCap() throws Exception {
    // docs/security-cases.md #51: the model makes up tool names; a "files.*" permit allows invented ones
    try (TelemetryFixture f = new TelemetryFixture(b -> b.maxLearntTools(2))) {
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        assertThrows(AccessDeniedException.class, () -> f.tools.read("/etc/shadow")); // denied before ever allowed
        for (int i = 0; i < 50; i++) {
          f.guard.call(request("files.invented" + i), () -> "ran");
        }
        f.tools.read("/tmp/a"); // the cap is full: a real tool learnt too late is _other as well
      }
      assertEquals(Map.of(
          "_other DENY FORBIDDEN", 1L,
          "files.invented0 ALLOW", 1L,
          "files.invented1 ALLOW", 1L,
          "_other ALLOW", 49L), decisions(f.otel));
    }
  }
}
