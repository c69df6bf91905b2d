package dev.agentguard.opentelemetry;

import dev.agentguard.AuditEvent;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real OpenTelemetry SDK whose spans, metrics and log records land in in-memory exporters. */
final class OtelHarness implements AutoCloseable {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setLoggerProvider(SdkLoggerProvider.builder()
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
      .build();

  @Override
  public void close() {
    sdk.close();
  }

  /** Rebuilds the audit records the log records carry, field by field, from their bodies. */
  static List<AuditEvent> records(List<LogRecordData> logs) {
    List<AuditEvent> out = new ArrayList<>();
    for (LogRecordData log : logs) {
      out.add(record(log.getBodyValue()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static AuditEvent record(Value<?> body) {
    Map<String, Value<?>> m = new LinkedHashMap<>();
    for (KeyValue kv : (List<KeyValue>) body.getValue()) {
      m.put(kv.getKey(), kv.getValue());
    }
    AuditEvent.Builder b = AuditEvent.builder(str(m, "type"))
        .agent(str(m, "agent")).onBehalfOf(str(m, "onBehalfOf")).task(str(m, "task"))
        .credential(str(m, "credential")).tool(str(m, "tool")).action(str(m, "action")).risk(str(m, "risk"))
        .decision(str(m, "decision")).code(str(m, "code")).policyVersion(str(m, "policyVersion"))
        .outcome(str(m, "outcome")).error(str(m, "error"))
        .durationMicros(m.containsKey("durationMicros") ? (Long) m.get("durationMicros").getValue() : null)
        .count(m.containsKey("count") ? (Long) m.get("count").getValue() : null)
        .signature(str(m, "signature")).keyId(str(m, "keyId")).jwks(str(m, "jwks"))
        .traceId(str(m, "traceId")).spanId(str(m, "spanId")).instance(str(m, "instance"))
        .shadowDecision(str(m, "shadowDecision")).shadowCode(str(m, "shadowCode"))
        .shadowVersion(str(m, "shadowVersion"));
    if (m.containsKey("shadowPolicies")) {
      b.shadowPolicies(strings(m.get("shadowPolicies")));
    }
    if (m.containsKey("shadowRules")) {
      b.shadowRules(strings(m.get("shadowRules")));
    }
    if (m.containsKey("attributes")) {
      Map<String, Object> attrs = new LinkedHashMap<>();
      for (KeyValue kv : (List<KeyValue>) m.get("attributes").getValue()) {
        attrs.put(kv.getKey(), plain(kv.getValue()));
      }
      b.attributes(attrs);
    }
    if (m.containsKey("reasons")) {
      b.reasons(strings(m.get("reasons")));
    }
    if (m.containsKey("policies")) {
      b.policies(strings(m.get("policies")));
    }
    long v = (Long) m.get("v").getValue();
    if (v != 1 && v != AuditEvent.FORMAT_VERSION) {
      throw new AssertionError("format version " + v);
    }
    List<String> implied = m.containsKey("implied") ? strings(m.get("implied")) : List.of();
    return AuditEvent.recorded(b, (int) v, (Long) m.get("seq").getValue(), str(m, "id"), str(m, "ts"),
        str(m, "parent"), str(m, "prev"), str(m, "hash"), implied);
  }

  private static String str(Map<String, Value<?>> m, String name) {
    Value<?> v = m.get(name);
    return v == null ? null : (String) v.getValue();
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Value<?> v) {
    List<String> out = new ArrayList<>();
    for (Value<?> s : (List<Value<?>>) v.getValue()) {
      out.add((String) s.getValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object plain(Value<?> v) {
    return switch (v.getType()) {
      case STRING, BOOLEAN, LONG, DOUBLE -> v.getValue();
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Value<?> e : (List<Value<?>>) v.getValue()) {
          out.add(plain(e));
        }
        yield List.copyOf(out);
      }
      case KEY_VALUE_LIST, BYTES, EMPTY -> throw new AssertionError("unexpected attribute value " + v);
    };
  }
}
