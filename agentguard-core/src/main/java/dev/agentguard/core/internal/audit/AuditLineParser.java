package dev.agentguard.core.internal.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.StrictJsonFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict parser of audit lines (the format of {@link AuditJson}): a single JSON object, known
 * members and event types only, no duplicates, no nulls, the types of the format, nothing after
 * the object, lines up to {@link RecordBounds#MAX_LINE_BYTES}. Parsing then encoding is exact.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.2.0
 */
public final class AuditLineParser {
  private static final int MAX_DEPTH = RecordBounds.MAX_LIST_DEPTH;
  private static final JsonFactory FACTORY = StrictJsonFactory.create(MAX_DEPTH + 2,
      RecordBounds.MAX_LINE_BYTES, 400, RecordBounds.MAX_LINE_BYTES);

  private AuditLineParser() {}

  /**
   * Parses one line (without its newline) strictly: a single JSON object, known members only, no
   * duplicates, no nulls, the types of the format, nothing after the object.
   *
   * @throws IllegalArgumentException saying what is wrong (never the line's content)
   */
  public static AuditEvent parse(byte[] line, int off, int len) {
    if (len > RecordBounds.MAX_LINE_BYTES) {
      throw new IllegalArgumentException("line longer than " + RecordBounds.MAX_LINE_BYTES + " bytes");
    }
    try (JsonParser p = FACTORY.createParser(line, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      boolean hasV = false;
      boolean hasSeq = false;
      long v = 0;
      long seq = 0;
      String id = null;
      String ts = null;
      String prev = null;
      String hash = null;
      String parent = null;
      Map<String, Object> pending = new LinkedHashMap<>();
      String type = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
          throw new IllegalArgumentException("member '" + name + "' is null");
        }
        switch (name) {
          case "v":
            v = longValue(p, name, t);
            hasV = true;
            break;
          case "seq":
            seq = longValue(p, name, t);
            hasSeq = true;
            break;
          case "id":
            id = string(p, name, t);
            break;
          case "ts":
            ts = string(p, name, t);
            break;
          case "type":
            type = string(p, name, t);
            break;
          case "prev":
            prev = string(p, name, t);
            break;
          case "hash":
            hash = string(p, name, t);
            break;
          case "parent":
            parent = string(p, name, t);
            break;
          case "agent": case "onBehalfOf": case "task": case "credential": case "tool":
          case "action": case "risk": case "decision": case "code": case "policyVersion":
          case "outcome": case "error": case "signature": case "keyId": case "jwks":
          case "traceId": case "spanId":
          case "shadowDecision": case "shadowCode": case "shadowVersion":
          case "instance":
            pending.put(name, string(p, name, t));
            break;
          case "durationMicros": case "count":
            pending.put(name, longValue(p, name, t));
            break;
          case "reasons": case "policies": case "shadowPolicies": case "shadowRules":
            pending.put(name, stringList(p, name, t));
            break;
          case "attributes":
            pending.put(name, attributes(p, t));
            break;
          default:
            throw new IllegalArgumentException("unknown member '" + truncate(name) + "'");
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("malformed object");
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("content after the object");
      }
      if (!hasV || !hasSeq || id == null || ts == null || type == null || prev == null || hash == null) {
        throw new IllegalArgumentException("missing one of the required members v, seq, id, ts, type, prev, hash");
      }
      if (v != 1 && v != AuditEvent.FORMAT_VERSION) {
        throw new IllegalArgumentException("unsupported format version " + v);
      }
      if (EventType.of(type) == null) {
        throw new IllegalArgumentException("unknown event type '" + truncate(type) + "'");
      }
      AuditEvent.Builder b = AuditEvent.builder(type);
      applyPending(b, pending);
      return AuditEvent.recorded(b, (int) v, seq, id, ts, parent, prev, hash, List.of()); // as written: see ImpliedMembers
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getClass().getSimpleName() + ")");
    }
  }

  @SuppressWarnings("unchecked")
  private static void applyPending(AuditEvent.Builder b, Map<String, Object> m) {
    for (Map.Entry<String, Object> e : m.entrySet()) {
      Object val = e.getValue();
      switch (e.getKey()) {
        case "agent": b.agent((String) val); break;
        case "onBehalfOf": b.onBehalfOf((String) val); break;
        case "task": b.task((String) val); break;
        case "credential": b.credential((String) val); break;
        case "tool": b.tool((String) val); break;
        case "action": b.action((String) val); break;
        case "risk": b.risk((String) val); break;
        case "decision": b.decision((String) val); break;
        case "code": b.code((String) val); break;
        case "policyVersion": b.policyVersion((String) val); break;
        case "outcome": b.outcome((String) val); break;
        case "error": b.error((String) val); break;
        case "signature": b.signature((String) val); break;
        case "keyId": b.keyId((String) val); break;
        case "jwks": b.jwks((String) val); break;
        case "traceId": b.traceId((String) val); break;
        case "spanId": b.spanId((String) val); break;
        case "shadowDecision": b.shadowDecision((String) val); break;
        case "shadowCode": b.shadowCode((String) val); break;
        case "shadowVersion": b.shadowVersion((String) val); break;
        case "shadowPolicies": b.shadowPolicies((List<String>) val); break;
        case "shadowRules": b.shadowRules((List<String>) val); break;
        case "instance": b.instance((String) val); break;
        case "durationMicros": b.durationMicros((Long) val); break;
        case "count": b.count((Long) val); break;
        case "reasons": b.reasons((List<String>) val); break;
        case "policies": b.policies((List<String>) val); break;
        case "attributes": b.attributes((Map<String, Object>) val); break;
        default: throw new IllegalStateException(e.getKey());
      }
    }
  }

  private static String truncate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static long longValue(JsonParser p, String name, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new IllegalArgumentException("member '" + name + "' is not a long");
    }
    return p.getLongValue();
  }

  private static String string(JsonParser p, String name, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("member '" + name + "' is not a string");
    }
    return p.getText();
  }

  private static List<String> stringList(JsonParser p, String name, JsonToken t) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("member '" + name + "' is not an array");
    }
    List<String> out = new ArrayList<>();
    JsonToken x;
    while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
      out.add(string(p, name, x));
    }
    return out;
  }

  private static Map<String, Object> attributes(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("member 'attributes' is not an object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      out.put(key, value(p, p.nextToken(), 0));
    }
    return out;
  }

  private static Object value(JsonParser p, JsonToken t, int depth) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new IllegalArgumentException("attribute number out of the long range");
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
          throw new IllegalArgumentException("attribute number out of the double range");
        }
        return d;
      case START_ARRAY:
        if (depth >= MAX_DEPTH) {
          throw new IllegalArgumentException("attribute lists nested too deeply");
        }
        List<Object> list = new ArrayList<>();
        JsonToken x;
        while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(value(p, x, depth + 1));
        }
        return Collections.unmodifiableList(list);
      default:
        throw new IllegalArgumentException("attribute value of unsupported JSON type " + t);
    }
  }
}
