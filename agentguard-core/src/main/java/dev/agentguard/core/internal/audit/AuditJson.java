package dev.agentguard.core.internal.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.internal.StrictJsonFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit record's wire format: the canonical encoding that is hashed and written, and the strict
 * parser that reads it back.
 *
 * <p><b>Canonical bytes.</b> A UTF-8 JSON object without insignificant white space whose members
 * appear in this fixed order: {@code v, seq, id, ts, type, agent, onBehalfOf, task, credential, tool,
 * action, risk, attributes, decision, code, reasons, policies, policyVersion, outcome, error,
 * durationMicros, count, signature, keyId, jwks, parent, prev}. Members whose value is {@code null} and
 * {@code attributes}, {@code reasons}, {@code policies} when empty are omitted. Attribute members keep
 * sorted by key (by UTF-16 code units, {@link String#compareTo}), whatever the map's order. Strings escape {@code "} and {@code \} with a backslash and write every
 * character below U+0020, U+007F, U+0085, U+2028 and U+2029 as a lower-case {@code \}{@code uXXXX} escape; an unpaired
 * surrogate (not valid Unicode text) becomes U+FFFD; everything else is written as UTF-8. Longs (and ints, shorts, bytes)
 * are decimal; doubles use {@link Double#toString(double)}, except NaN and the infinities, which are
 * written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; {@link Risk} and
 * {@link Sensitivity} are written as their wire names; other enums by name; lists as arrays; any
 * other value as the string of {@link String#valueOf(Object)}.
 *
 * <p><b>Line.</b> The canonical bytes with the closing brace replaced by
 * {@code ,"hash":"sha256:<64 hex>"}}, followed by {@code \n}.
 *
 * <p><b>Hash.</b> See {@link ChainSealer}, the one place that computes it; the first event of a
 * chain has {@code prev = }{@link #GENESIS}.
 *
 * <p>Parsing then encoding is exact: the canonical bytes of a parsed line equal those that were
 * hashed when it was written (numbers come back as {@link Long} or {@link Double}, risks and
 * sensitivities as their wire-name strings).
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class AuditJson {
  /** The {@code prev} of a chain's first event: {@code "sha256:"} followed by 64 zeros. */
  public static final String GENESIS = "sha256:" + "0".repeat(64);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_DEPTH = RecordBounds.MAX_LIST_DEPTH;
  private static final JsonFactory FACTORY = StrictJsonFactory.create(MAX_DEPTH + 2,
      RecordBounds.MAX_LINE_BYTES, 400, RecordBounds.MAX_LINE_BYTES);

  private AuditJson() {}

  /** Appends the canonical bytes of {@code e} (everything but {@code hash}) to {@code out}. */
  public static void writeCanonical(AuditEvent e, ByteBuf out) {
    out.putAscii("{\"v\":");
    out.putLong(e.v());
    out.putAscii(",\"seq\":");
    out.putLong(e.seq());
    str(out, ",\"id\":", e.id());
    str(out, ",\"ts\":", e.ts());
    str(out, ",\"type\":", e.type());
    str(out, ",\"agent\":", e.agent());
    str(out, ",\"onBehalfOf\":", e.onBehalfOf());
    str(out, ",\"task\":", e.task());
    str(out, ",\"credential\":", e.credential());
    str(out, ",\"tool\":", e.tool());
    str(out, ",\"action\":", e.action());
    str(out, ",\"risk\":", e.risk());
    Map<String, Object> attrs = e.attributes();
    if (attrs != null && !attrs.isEmpty()) {
      out.putAscii(",\"attributes\":");
      writeAttributes(attrs, out);
    }
    str(out, ",\"decision\":", e.decision());
    str(out, ",\"code\":", e.code());
    strings(out, ",\"reasons\":", e.reasons());
    strings(out, ",\"policies\":", e.policies());
    str(out, ",\"policyVersion\":", e.policyVersion());
    str(out, ",\"outcome\":", e.outcome());
    str(out, ",\"error\":", e.error());
    num(out, ",\"durationMicros\":", e.durationMicros());
    num(out, ",\"count\":", e.count());
    str(out, ",\"signature\":", e.signature());
    str(out, ",\"keyId\":", e.keyId());
    str(out, ",\"jwks\":", e.jwks());
    str(out, ",\"parent\":", e.parent());
    str(out, ",\"prev\":", e.prev());
    out.put('}');
  }

  /** The canonical bytes of {@code e} as a new array. */
  public static byte[] canonicalBytes(AuditEvent e) {
    ByteBuf buf = new ByteBuf(512);
    writeCanonical(e, buf);
    return java.util.Arrays.copyOf(buf.array(), buf.length());
  }

  /**
   * Turns canonical bytes in {@code buf} into a line: replaces the closing brace with the hash member
   * and appends {@code }\n}.
   */
  public static void appendHash(ByteBuf buf, String hash) {
    buf.truncate(buf.length() - 1);
    buf.putAscii(",\"hash\":");
    putString(buf, hash);
    buf.putAscii("}\n");
  }

  /** The canonical JSON object of {@code attrs}: members sorted by key, values as in the class comment. */
  public static void writeAttributes(Map<String, Object> attrs, ByteBuf out) {
    String[] keys = attrs.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    out.put('{');
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        out.put(',');
      }
      putString(out, keys[i]);
      out.put(':');
      putValue(out, attrs.get(keys[i]), 0);
    }
    out.put('}');
  }

  /** The canonical JSON of one value (a string, number, boolean, enum or list of these). */
  public static void writeValue(Object value, ByteBuf out) {
    putValue(out, value, 0);
  }

  private static void str(ByteBuf out, String name, String value) {
    if (value != null) {
      out.putAscii(name);
      putString(out, value);
    }
  }

  private static void num(ByteBuf out, String name, Long value) {
    if (value != null) {
      out.putAscii(name);
      out.putLong(value);
    }
  }

  private static void strings(ByteBuf out, String name, List<String> values) {
    if (values != null && !values.isEmpty()) {
      out.putAscii(name);
      out.put('[');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          out.put(',');
        }
        putString(out, String.valueOf(values.get(i)));
      }
      out.put(']');
    }
  }

  private static void putValue(ByteBuf out, Object v, int depth) {
    if (v instanceof String) {
      putString(out, (String) v);
    } else if (v instanceof Boolean) {
      out.putAscii(((Boolean) v) ? "true" : "false");
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.putLong(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        putString(out, Double.toString(d));
      } else {
        out.putAscii(Double.toString(d));
      }
    } else if (v instanceof Risk) {
      putString(out, ((Risk) v).wireName());
    } else if (v instanceof Sensitivity) {
      putString(out, ((Sensitivity) v).wireName());
    } else if (v instanceof Enum<?>) {
      putString(out, ((Enum<?>) v).name());
    } else if (v instanceof List<?> && depth < MAX_DEPTH) {
      List<?> list = (List<?>) v;
      out.put('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.put(',');
        }
        putValue(out, list.get(i), depth + 1);
      }
      out.put(']');
    } else {
      putString(out, String.valueOf(v));
    }
  }

  /** Appends {@code s} as a JSON string with the escaping described in the class comment. */
  public static void putString(ByteBuf out, String s) {
    int n = s.length();
    out.ensure(n + 2);
    out.put('"');
    int i = out.putPlainAscii(s);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c == 0x7f) {
          escape(out, c);
        } else if (c == '"' || c == '\\') {
          out.put('\\');
          out.put(c);
        } else {
          out.put(c);
        }
      } else if (c < 0x800) {
        if (c == 0x85) {
          escape(out, c);
        } else {
          out.put(0xc0 | (c >> 6));
          out.put(0x80 | (c & 0x3f));
        }
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          out.put(0xf0 | (cp >> 18));
          out.put(0x80 | ((cp >> 12) & 0x3f));
          out.put(0x80 | ((cp >> 6) & 0x3f));
          out.put(0x80 | (cp & 0x3f));
        } else {
          out.put(0xef);
          out.put(0xbf);
          out.put(0xbd);
        }
      } else if (c == 0x2028 || c == 0x2029) {
        escape(out, c);
      } else {
        out.put(0xe0 | (c >> 12));
        out.put(0x80 | ((c >> 6) & 0x3f));
        out.put(0x80 | (c & 0x3f));
      }
    }
    out.put('"');
  }

  private static void escape(ByteBuf out, char c) {
    out.put('\\');
    out.put('u');
    out.put(HEX[(c >> 12) & 0xf]);
    out.put(HEX[(c >> 8) & 0xf]);
    out.put(HEX[(c >> 4) & 0xf]);
    out.put(HEX[c & 0xf]);
  }

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
            pending.put(name, string(p, name, t));
            break;
          case "durationMicros": case "count":
            pending.put(name, longValue(p, name, t));
            break;
          case "reasons": case "policies":
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
      if (v != AuditEvent.FORMAT_VERSION) {
        throw new IllegalArgumentException("unsupported format version " + v);
      }
      if (EventType.of(type) == null) {
        throw new IllegalArgumentException("unknown event type '" + truncate(type) + "'");
      }
      AuditEvent.Builder b = AuditEvent.builder(type);
      applyPending(b, pending);
      return AuditEvent.recorded(b, seq, id, ts, parent, prev, hash);
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
