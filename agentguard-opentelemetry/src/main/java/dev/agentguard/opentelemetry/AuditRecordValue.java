package dev.agentguard.opentelemetry;

import dev.agentguard.AuditEvent;
import io.opentelemetry.api.common.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An audit record as an OpenTelemetry {@link Value}: a map with one entry per field the record
 * has, named as in the JSON Lines format ({@code docs/audit.md}) and in its order; absent fields
 * (null, and empty {@code attributes}, {@code reasons}, {@code policies}) are left out. Numbers are
 * longs and doubles, request attributes a nested map, lists arrays, so the record can be rebuilt
 * from the value field by field. Members the JSON line leaves out because a reader restores them
 * ({@link AuditEvent#impliedMembers()}) are given in full, and named in a last entry
 * {@code implied} (absent when none), so a consumer that recomputes the hash leaves them out.
 * Stateless.
 */
final class AuditRecordValue {
  private AuditRecordValue() {}

  /** The record as a map value. */
  static Value<?> of(AuditEvent e) {
    Map<String, Value<?>> m = new LinkedHashMap<>();
    m.put("v", Value.of((long) e.v()));
    m.put("seq", Value.of(e.seq()));
    str(m, "id", e.id());
    str(m, "ts", e.ts());
    str(m, "type", e.type());
    str(m, "agent", e.agent());
    str(m, "onBehalfOf", e.onBehalfOf());
    str(m, "task", e.task());
    str(m, "credential", e.credential());
    str(m, "tool", e.tool());
    str(m, "action", e.action());
    str(m, "risk", e.risk());
    if (!e.attributes().isEmpty()) {
      Map<String, Value<?>> attrs = new LinkedHashMap<>();
      e.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(a -> attrs.put(a.getKey(), value(a.getValue())));
      m.put("attributes", Value.of(attrs));
    }
    str(m, "decision", e.decision());
    str(m, "code", e.code());
    strings(m, "reasons", e.reasons());
    strings(m, "policies", e.policies());
    str(m, "policyVersion", e.policyVersion());
    str(m, "outcome", e.outcome());
    str(m, "error", e.error());
    if (e.durationMicros() != null) {
      m.put("durationMicros", Value.of(e.durationMicros()));
    }
    if (e.count() != null) {
      m.put("count", Value.of(e.count()));
    }
    str(m, "signature", e.signature());
    str(m, "keyId", e.keyId());
    str(m, "jwks", e.jwks());
    str(m, "instance", e.instance());
    str(m, "traceId", e.traceId());
    str(m, "spanId", e.spanId());
    str(m, "shadowDecision", e.shadowDecision());
    str(m, "shadowCode", e.shadowCode());
    strings(m, "shadowPolicies", e.shadowPolicies());
    str(m, "shadowVersion", e.shadowVersion());
    strings(m, "shadowRules", e.shadowRules());
    str(m, "parent", e.parent());
    str(m, "prev", e.prev());
    str(m, "hash", e.hash());
    strings(m, "implied", e.impliedMembers());
    return Value.of(m);
  }

  /** A request attribute value: string, boolean, long, double or a list of these (nested). */
  private static Value<?> value(Object o) {
    if (o instanceof String s) {
      return Value.of(s);
    }
    if (o instanceof Boolean b) {
      return Value.of(b.booleanValue());
    }
    if (o instanceof Long l) {
      return Value.of(l.longValue());
    }
    if (o instanceof Double d) {
      return Value.of(d.doubleValue());
    }
    if (o instanceof List<?> list) {
      List<Value<?>> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(value(element));
      }
      return Value.of(out);
    }
    return Value.of(String.valueOf(o)); // sealed records hold only the types above
  }

  private static void str(Map<String, Value<?>> m, String name, String value) {
    if (value != null) {
      m.put(name, Value.of(value));
    }
  }

  private static void strings(Map<String, Value<?>> m, String name, List<String> values) {
    if (!values.isEmpty()) {
      List<Value<?>> out = new ArrayList<>(values.size());
      for (String v : values) {
        out.add(Value.of(v));
      }
      m.put(name, Value.of(out));
    }
  }
}
