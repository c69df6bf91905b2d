package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The audit record's wire format: the canonical encoding that is hashed and written
 * ({@link AuditLineParser} reads it back).
 *
 * <p><b>Canonical bytes.</b> A UTF-8 JSON object without insignificant white space whose members
 * appear in this fixed order: {@code v, seq, id, ts, type, agent, onBehalfOf, task, credential, tool,
 * action, risk, attributes, decision, code, reasons, policies, policyVersion, outcome, error,
 * durationMicros, count, signature, keyId, jwks, instance, traceId, spanId, shadowDecision,
 * shadowCode, shadowPolicies, shadowVersion, shadowRules, parent, prev}. Members whose value is
 * {@code null} and {@code attributes}, {@code reasons}, {@code policies}, {@code shadowPolicies},
 * {@code shadowRules} when empty are omitted (so records without the newer members keep the bytes,
 * and hashes, they had before those members existed). Attribute members keep
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
  // the members' names with their separators, in canonical order
  private static final byte[] V = ascii("{\"v\":");
  private static final byte[] SEQ = ascii(",\"seq\":");
  private static final byte[] ID = ascii(",\"id\":");
  private static final byte[] TS = ascii(",\"ts\":");
  private static final byte[] TYPE = ascii(",\"type\":");
  private static final byte[] AGENT = ascii(",\"agent\":");
  private static final byte[] ON_BEHALF_OF = ascii(",\"onBehalfOf\":");
  private static final byte[] TASK = ascii(",\"task\":");
  private static final byte[] CREDENTIAL = ascii(",\"credential\":");
  private static final byte[] TOOL = ascii(",\"tool\":");
  private static final byte[] ACTION = ascii(",\"action\":");
  private static final byte[] RISK = ascii(",\"risk\":");
  private static final byte[] ATTRIBUTES = ascii(",\"attributes\":");
  private static final byte[] DECISION = ascii(",\"decision\":");
  private static final byte[] CODE = ascii(",\"code\":");
  private static final byte[] REASONS = ascii(",\"reasons\":");
  private static final byte[] POLICIES = ascii(",\"policies\":");
  private static final byte[] POLICY_VERSION = ascii(",\"policyVersion\":");
  private static final byte[] OUTCOME = ascii(",\"outcome\":");
  private static final byte[] ERROR = ascii(",\"error\":");
  private static final byte[] DURATION_MICROS = ascii(",\"durationMicros\":");
  private static final byte[] COUNT = ascii(",\"count\":");
  private static final byte[] SIGNATURE = ascii(",\"signature\":");
  private static final byte[] KEY_ID = ascii(",\"keyId\":");
  private static final byte[] JWKS = ascii(",\"jwks\":");
  private static final byte[] INSTANCE = ascii(",\"instance\":");
  private static final byte[] TRACE_ID = ascii(",\"traceId\":");
  private static final byte[] SPAN_ID = ascii(",\"spanId\":");
  private static final byte[] SHADOW_DECISION = ascii(",\"shadowDecision\":");
  private static final byte[] SHADOW_CODE = ascii(",\"shadowCode\":");
  private static final byte[] SHADOW_POLICIES = ascii(",\"shadowPolicies\":");
  private static final byte[] SHADOW_VERSION = ascii(",\"shadowVersion\":");
  private static final byte[] SHADOW_RULES = ascii(",\"shadowRules\":");
  private static final byte[] PARENT = ascii(",\"parent\":");
  private static final byte[] PREV = ascii(",\"prev\":");
  private static final byte[] HASH = ascii(",\"hash\":");

  private AuditJson() {}

  /** Appends the canonical bytes of {@code e} (everything but {@code hash}) to {@code out}. */
  public static void writeCanonical(AuditEvent e, ByteBuf out) {
    writeCanonical(e, e.v(), e.seq(), e.id(), e.ts(), e.parent(), e.prev(), e.impliedMembers(), out);
  }

  /**
   * Appends the canonical bytes of the event with {@code e}'s content and the given pipeline fields
   * (the writer encodes straight from the content, before any sealed event exists).
   */
  static void writeCanonical(AuditEvent e, int v, long seq, String id, String ts, String parent, String prev,
      List<String> implied, ByteBuf out) {
    writeCanonical(e, v, seq, id, ts, parent, prev, implied, out, null);
  }

  /**
   * Like {@link #writeCanonical(AuditEvent, int, long, String, String, String, String, List, ByteBuf)},
   * copying the encodings of repeating members from {@code memo} when it holds them (the same bytes:
   * {@link EncodedMembers} keeps an encoding for an equal value only); {@code memo} may be null.
   */
  static void writeCanonical(AuditEvent e, int v, long seq, String id, String ts, String parent, String prev,
      List<String> implied, ByteBuf out, EncodedMembers memo) {
    boolean none = implied.isEmpty();
    out.put(V, 0, V.length);
    out.putLong(v);
    out.put(SEQ, 0, SEQ.length);
    out.putLong(seq);
    str(out, ID, id);
    str(out, TS, ts, memo, EncodedMembers.TS);
    str(out, TYPE, e.type(), memo, EncodedMembers.TYPE);
    str(out, AGENT, e.agent(), memo, EncodedMembers.AGENT);
    str(out, ON_BEHALF_OF, e.onBehalfOf(), memo, EncodedMembers.ON_BEHALF_OF);
    str(out, TASK, e.task(), memo, EncodedMembers.TASK);
    str(out, CREDENTIAL, e.credential(), memo, EncodedMembers.CREDENTIAL);
    str(out, TOOL, e.tool(), memo, EncodedMembers.TOOL);
    str(out, ACTION, e.action(), memo, EncodedMembers.ACTION);
    str(out, RISK, e.risk(), memo, EncodedMembers.RISK);
    Map<String, Object> attrs = e.attributes();
    if (attrs != null && !attrs.isEmpty()) {
      if (memo != null) {
        memo.putAttributes(out, ATTRIBUTES, attrs);
      } else {
        out.put(ATTRIBUTES, 0, ATTRIBUTES.length);
        writeAttributes(attrs, out);
      }
    }
    if (none || !implied.contains(AuditEvent.DECISION)) {
      str(out, DECISION, e.decision(), memo, EncodedMembers.DECISION);
    }
    str(out, CODE, e.code(), memo, EncodedMembers.CODE);
    if (none || !implied.contains(AuditEvent.REASONS)) {
      strings(out, REASONS, e.reasons(), memo, EncodedMembers.REASONS);
    }
    strings(out, POLICIES, e.policies(), memo, EncodedMembers.POLICIES);
    if (none || !implied.contains(AuditEvent.POLICY_VERSION)) {
      str(out, POLICY_VERSION, e.policyVersion(), memo, EncodedMembers.POLICY_VERSION);
    }
    str(out, OUTCOME, e.outcome(), memo, EncodedMembers.OUTCOME);
    str(out, ERROR, e.error(), memo, EncodedMembers.ERROR);
    num(out, DURATION_MICROS, e.durationMicros());
    num(out, COUNT, e.count());
    str(out, SIGNATURE, e.signature());
    str(out, KEY_ID, e.keyId());
    str(out, JWKS, e.jwks());
    str(out, INSTANCE, e.instance());
    str(out, TRACE_ID, e.traceId());
    str(out, SPAN_ID, e.spanId());
    str(out, SHADOW_DECISION, e.shadowDecision());
    str(out, SHADOW_CODE, e.shadowCode());
    strings(out, SHADOW_POLICIES, e.shadowPolicies());
    str(out, SHADOW_VERSION, e.shadowVersion());
    strings(out, SHADOW_RULES, e.shadowRules());
    str(out, PARENT, parent);
    if (memo == null || prev == null || !memo.putPrev(out, PREV, prev)) {
      str(out, PREV, prev);
    }
    out.put('}');
  }

  /** The canonical bytes of {@code e} as a new array. */
  public static byte[] canonicalBytes(AuditEvent e) {
    ByteBuf buf = new ByteBuf(512);
    writeCanonical(e, buf);
    return Arrays.copyOf(buf.array(), buf.length());
  }

  /**
   * Turns canonical bytes in {@code buf} into a line: replaces the closing brace with the hash member
   * and appends {@code }\n}.
   */
  public static void appendHash(ByteBuf buf, String hash) {
    buf.truncate(buf.length() - 1);
    buf.put(HASH, 0, HASH.length);
    putString(buf, hash);
    buf.put('}');
    buf.put('\n');
  }

  /**
   * Like {@link #appendHash(ByteBuf, String)} with the hash given as its ASCII bytes
   * ({@code "sha256:<hex>"}, which a JSON string writes as they are).
   */
  static void appendHash(ByteBuf buf, byte[] hashAscii, int len) {
    buf.truncate(buf.length() - 1);
    buf.ensure(HASH.length + len + 4);
    buf.put(HASH, 0, HASH.length);
    buf.put('"');
    buf.put(hashAscii, 0, len);
    buf.put('"');
    buf.put('}');
    buf.put('\n');
  }

  /** The canonical JSON object of {@code attrs}: members sorted by key, values as in the class comment. */
  public static void writeAttributes(Map<String, Object> attrs, ByteBuf out) {
    if (attrs.size() == 1) { // the common case: nothing to sort
      Map.Entry<String, Object> only = attrs.entrySet().iterator().next();
      out.put('{');
      putString(out, only.getKey());
      out.put(':');
      putValue(out, only.getValue(), 0);
      out.put('}');
      return;
    }
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void str(ByteBuf out, byte[] name, String value) {
    if (value != null) {
      out.put(name, 0, name.length);
      putString(out, value);
    }
  }

  private static void str(ByteBuf out, byte[] name, String value, EncodedMembers memo, int slot) {
    if (value == null) {
      return;
    }
    if (memo != null) {
      memo.putString(out, slot, name, value);
    } else {
      out.put(name, 0, name.length);
      putString(out, value);
    }
  }

  private static void num(ByteBuf out, byte[] name, Long value) {
    if (value != null) {
      out.put(name, 0, name.length);
      out.putLong(value);
    }
  }

  private static void strings(ByteBuf out, byte[] name, List<String> values, EncodedMembers memo, int slot) {
    if (values == null || values.isEmpty()) {
      return;
    }
    if (memo != null) {
      memo.putStrings(out, slot, name, values);
    } else {
      strings(out, name, values);
    }
  }

  /** Appends {@code name} and the array of {@code values} unless the list is null or empty. */
  static void strings(ByteBuf out, byte[] name, List<String> values) {
    if (values != null && !values.isEmpty()) {
      out.put(name, 0, name.length);
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
}
