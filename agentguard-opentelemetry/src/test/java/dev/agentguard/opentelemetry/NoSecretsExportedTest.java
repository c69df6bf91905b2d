package dev.agentguard.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #82
/**
 * Neither a {@code @Redact} argument nor the task's credential token reaches any exported span,
 * metric or log record, in whatever field; the redacted argument's digest does reach the log body
 * (the audit record holds it). docs/security-cases.md #33, #42
 */
class NoSecretsExportedTest {
  static final String SECRET = "sk_live_OTEL_9f8e7d6c5b4a";

  private static String sha256(String s) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void noRedactedValueOrCredentialTokenIsExported() throws Exception {
    String token;
    List<String> exported = new ArrayList<>();
    List<AuditEvent> trail;
    try (TelemetryFixture f = new TelemetryFixture()) {
      AutoCloseable health = f.telemetry.observeAuditHealth(f.guard);
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        token = task.credential().token();
        assertEquals("sent", f.tools.send("bob@acme.example", SECRET));
        assertEquals("sent", f.tools.send("bob@acme.example", token)); // the model echoes the credential
      }
      for (MetricData m : f.otel.metrics.collectAllMetrics()) {
        exported.add(m.getName() + " " + m.getDescription());
        for (PointData p : m.getData().getPoints()) {
          exported.add(attributes(p.getAttributes()) + " " + p);
        }
      }
      health.close();
      trail = f.drained();
      for (SpanData s : f.otel.spans.getFinishedSpanItems()) {
        exported.add(s.getName() + " " + attributes(s.getAttributes()) + " " + s.getStatus());
        for (EventData e : s.getEvents()) {
          exported.add(e.getName() + " " + attributes(e.getAttributes()));
        }
      }
      for (LogRecordData l : f.otel.logs.getFinishedLogRecordItems()) {
        exported.add(l.getEventName() + " " + attributes(l.getAttributes()) + " " + l.getBodyValue().asString()
            + " " + l.getSeverityText());
      }
    }
    assertTrue(exported.size() > 20, "something was exported: " + exported.size());
    String all = String.join("\n", exported);
    assertFalse(all.contains(SECRET), "the @Redact argument leaked");
    assertFalse(all.contains(token), "the credential token leaked");
    for (String part : token.split("\\.")) {
      assertFalse(part.length() > 16 && all.contains(part), "a part of the credential token leaked");
    }
    assertTrue(all.contains(sha256(SECRET)), "the log body carries the digest the audit record holds");
    String digest = sha256(SECRET);
    assertTrue(trail.stream().anyMatch(e -> digest.equals(e.attributes().get("resource.token"))));
  }

  private static String attributes(Attributes a) {
    StringBuilder b = new StringBuilder();
    a.forEach((k, v) -> b.append(k.getKey()).append('=').append(v).append(' '));
    return b.toString();
  }
}
