package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.internal.Hashing;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bounds what one record may hold and turns its content into deeply immutable canonical values, so
 * that no value a model controls can make a line too long for {@link #MAX_LINE_BYTES} (which the
 * writer and every reader share) and no sink can change what another sink gets.
 *
 * <p>Values become {@link String}, {@link Boolean}, {@link Long}, {@link Double} or unmodifiable
 * lists of these (ints, shorts and bytes as longs, floats as doubles, NaN and the infinities as the
 * strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, risks and sensitivities as their
 * wire names, other enums by name, {@code null} as {@code "null"}, anything else as its
 * {@code toString()}, or {@code "[unprintable <class>]"} when that throws), and every unpaired
 * surrogate in a string becomes U+FFFD (as the encoding writes it), so a sealed event equals what
 * reading its line back gives. Then:
 * <ul>
 *   <li>a string over {@value #MAX_TEXT_CHARS} characters (attribute values at any depth, every text
 *       field, each reason and policy id) keeps its first {@value #MAX_TEXT_CHARS} characters
 *       followed by {@code ...[truncated <length> chars, sha256:<hex of the full value's UTF-8>]};
 *   <li>an attribute key over {@value #MAX_KEY_CHARS} characters is cut the same way;
 *   <li>a list over {@value #MAX_LIST_ELEMENTS} elements (attribute lists, reasons, policies)
 *       keeps its first {@value #MAX_LIST_ELEMENTS} and ends with the element
 *       {@code ...[truncated <size> elements, sha256:<hex of the full list's canonical JSON>]};
 *       lists nested deeper than {@value #MAX_LIST_DEPTH} levels become
 *       {@code "[list nested too deeply]"};
 *   <li>more than {@value #MAX_ATTRIBUTES} attributes: the first {@value #MAX_ATTRIBUTES} by key
 *       order are kept and {@value #TRUNCATED_KEY} says {@code ...[truncated <n> attributes,
 *       sha256:<hex of the full attributes object's canonical JSON>]};
 *   <li>a record that would still exceed the line limit has its attributes replaced by
 *       {@value #TRUNCATED_KEY} {@code ...[omitted <n> attributes, sha256:...]} and its reasons and
 *       policies by one such marker each, which bounds every line well below the limit.
 * </ul>
 *
 * <p>{@code signature}, {@code keyId}, {@code jwks} and {@code instance} belong to the pipeline's own records and are
 * cleared on any other. Not thread-safe (reuses a buffer); the writer thread owns one.
 *
 * @since 0.2.0
 */
public final class RecordBounds {
  /** Longest line (without its newline) the writer writes and readers accept, in bytes. */
  public static final int MAX_LINE_BYTES = 1 << 20;
  /** Longest string kept whole, in UTF-16 characters. */
  public static final int MAX_TEXT_CHARS = 4096;
  /** Longest attribute key kept whole, in UTF-16 characters. */
  public static final int MAX_KEY_CHARS = 256;
  /** Longest list kept whole. */
  public static final int MAX_LIST_ELEMENTS = 64;
  /** Most attributes kept. */
  public static final int MAX_ATTRIBUTES = 128;
  /** Deepest list nesting kept (the parser accepts no deeper). */
  public static final int MAX_LIST_DEPTH = 8;
  /** The attribute that says attributes were cut or omitted. */
  public static final String TRUNCATED_KEY = "audit.truncated";

  private final ByteBuf scratch = new ByteBuf(1024);
  /** Per text member of {@link #apply}: the last string found to fit (identity, see {@link #fits(int, String)}). */
  private final String[] fitting = new String[12];

  /** Creates bounds with their own scratch buffer. */
  public RecordBounds() {}

  /**
   * The bounded, canonical content of {@code draft}, or {@code content} itself when nothing had to
   * change.
   */
  AuditEvent.Builder apply(AuditEvent draft, AuditEvent.Builder content, EventType type) {
    Map<String, Object> attrs = attributes(draft.attributes());
    List<String> reasons = texts(draft.reasons());
    List<String> policies = texts(draft.policies());
    List<String> shadowPolicies = texts(draft.shadowPolicies());
    List<String> shadowRules = texts(draft.shadowRules());
    boolean foreignSignature = !type.pipelineOwn()
        && (draft.signature() != null || draft.keyId() != null || draft.jwks() != null
            || draft.instance() != null);
    boolean same = attrs == draft.attributes() && reasons == draft.reasons() && policies == draft.policies()
        && !foreignSignature
        && fits(0, draft.agent()) && fits(1, draft.onBehalfOf()) && fits(2, draft.task())
        && fits(3, draft.credential()) && fits(4, draft.tool()) && fits(5, draft.action()) && fits(6, draft.risk())
        && fits(7, draft.decision()) && fits(8, draft.code()) && fits(9, draft.policyVersion())
        && fits(10, draft.outcome()) && fits(11, draft.error())
        && shadowPolicies == draft.shadowPolicies() && shadowRules == draft.shadowRules()
        && fits(draft.shadowDecision()) && fits(draft.shadowCode()) && fits(draft.shadowVersion());
    if (same) {
      return content;
    }
    AuditEvent.Builder b = AuditEvent.builder(type.wireName())
        .agent(text(draft.agent())).onBehalfOf(text(draft.onBehalfOf())).task(text(draft.task()))
        .credential(text(draft.credential())).tool(text(draft.tool())).action(text(draft.action()))
        .risk(text(draft.risk())).attributes(attrs).decision(text(draft.decision())).code(text(draft.code()))
        .reasons(reasons).policies(policies).policyVersion(text(draft.policyVersion()))
        .outcome(text(draft.outcome())).error(text(draft.error())).durationMicros(draft.durationMicros())
        .count(draft.count()).traceId(draft.traceId()).spanId(draft.spanId())
        .shadowDecision(text(draft.shadowDecision())).shadowCode(text(draft.shadowCode()))
        .shadowPolicies(shadowPolicies).shadowVersion(text(draft.shadowVersion())).shadowRules(shadowRules);
    if (!foreignSignature) {
      b.signature(draft.signature()).keyId(draft.keyId()).jwks(draft.jwks()).instance(draft.instance());
    }
    return b;
  }

  /**
   * The last resort for a record whose line would exceed {@link #MAX_LINE_BYTES} after
   * {@link #apply}: attributes, reasons and policies replaced by markers with their digests.
   */
  AuditEvent.Builder shrink(AuditEvent bounded) {
    AuditEvent.Builder b = bounded.toBuilder();
    if (!bounded.attributes().isEmpty()) {
      scratch.reset();
      AuditJson.writeAttributes(bounded.attributes(), scratch);
      b.attributes(Map.of(TRUNCATED_KEY, "...[omitted " + bounded.attributes().size() + " attributes, "
          + digestOfScratch() + "]"));
    }
    if (!bounded.reasons().isEmpty()) {
      b.reasons(List.of(omitted("reasons", bounded.reasons())));
    }
    if (!bounded.policies().isEmpty()) {
      b.policies(List.of(omitted("policies", bounded.policies())));
    }
    if (!bounded.shadowRules().isEmpty()) {
      b.shadowRules(List.of(omitted("shadow rule results", bounded.shadowRules())));
    }
    return b;
  }

  private String omitted(String what, List<String> values) {
    scratch.reset();
    AuditJson.writeValue(values, scratch);
    return "...[omitted " + values.size() + " " + what + ", " + digestOfScratch() + "]";
  }

  /**
   * {@link #fits(String)} for member {@code slot} of {@link #apply}, remembering the last string of
   * that member found to fit: the same string object (whose characters cannot change) is not scanned
   * again, so the members that repeat per task and tool are checked once.
   */
  private boolean fits(int slot, String s) {
    if (s == null || s == fitting[slot]) {
      return true;
    }
    if (!fits(s)) {
      return false;
    }
    fitting[slot] = s;
    return true;
  }

  private static boolean fits(String s) {
    return s == null || (s.length() <= MAX_TEXT_CHARS && wellFormed(s));
  }

  /**
   * {@code s} cut to {@link #MAX_TEXT_CHARS} with the marker, and with each unpaired surrogate
   * replaced by U+FFFD (as the encoding writes it), or {@code s} itself when neither applies.
   */
  static String text(String s) {
    return cut(s, MAX_TEXT_CHARS);
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return null;
    }
    if (s.length() <= max) {
      return wellFormed(s) ? s : replaceUnpairedSurrogates(s);
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return replaceUnpairedSurrogates(s.substring(0, end)) + "...[truncated " + s.length() + " chars, "
        + Hashing.sha256Tagged(s) + "]";
  }

  private static boolean wellFormed(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static String replaceUnpairedSurrogates(String s) {
    if (wellFormed(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\ufffd' : c);
      }
    }
    return b.toString();
  }

  private List<String> texts(List<String> in) {
    boolean changed = in.size() > MAX_LIST_ELEMENTS;
    for (int i = 0; i < in.size() && !changed; i++) {
      changed = !fits(in.get(i));
    }
    if (!changed) {
      return in;
    }
    List<String> all = new ArrayList<>(in.size());
    for (String s : in) {
      all.add(text(String.valueOf(s)));
    }
    if (all.size() <= MAX_LIST_ELEMENTS) {
      return List.copyOf(all);
    }
    List<String> kept = new ArrayList<>(all.subList(0, MAX_LIST_ELEMENTS));
    kept.add(listMarker(all));
    return List.copyOf(kept);
  }

  private Map<String, Object> attributes(Map<String, Object> in) {
    if (in.isEmpty() || (in.size() <= MAX_ATTRIBUTES && allCanonical(in))) {
      return in;
    }
    boolean changed = in.size() > MAX_ATTRIBUTES;
    Object[] keys = in.keySet().toArray();
    Object[] values = new Object[keys.length];
    for (int i = 0; i < keys.length; i++) {
      Object v = in.get(keys[i]);
      values[i] = value(v, 0);
      changed |= values[i] != v || cut((String) keys[i], MAX_KEY_CHARS) != keys[i];
    }
    if (!changed) {
      return in;
    }
    TreeMap<String, Object> all = new TreeMap<>();
    for (int i = 0; i < keys.length; i++) {
      all.put(cut((String) keys[i], MAX_KEY_CHARS), values[i]);
    }
    if (all.size() <= MAX_ATTRIBUTES) {
      return Map.copyOf(all);
    }
    scratch.reset();
    AuditJson.writeAttributes(all, scratch);
    String marker = "...[truncated " + all.size() + " attributes, " + digestOfScratch() + "]";
    TreeMap<String, Object> kept = new TreeMap<>();
    for (Map.Entry<String, Object> e : all.entrySet()) {
      if (kept.size() == MAX_ATTRIBUTES) {
        break;
      }
      kept.put(e.getKey(), e.getValue());
    }
    kept.put(TRUNCATED_KEY, marker);
    return Map.copyOf(kept);
  }

  /** Whether every key and value already is in bounded canonical form (no list: lists are copied). */
  private static boolean allCanonical(Map<String, Object> in) {
    for (Map.Entry<String, Object> e : in.entrySet()) {
      Object v = e.getValue();
      boolean canonical = v instanceof String ? fits((String) v)
          : v instanceof Boolean || v instanceof Long
              || (v instanceof Double && Double.isFinite((Double) v));
      if (!canonical || e.getKey().length() > MAX_KEY_CHARS || !wellFormed(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  /** The canonical, bounded, immutable form of one attribute value ({@code v} itself when it is one). */
  private Object value(Object v, int depth) {
    if (v instanceof String) {
      return text((String) v);
    }
    if (v instanceof Boolean || v instanceof Long) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return Double.toString(d);
      }
      return v instanceof Double ? v : (Object) d;
    }
    if (v instanceof Risk) {
      return ((Risk) v).wireName();
    }
    if (v instanceof Sensitivity) {
      return ((Sensitivity) v).wireName();
    }
    if (v instanceof Enum<?>) {
      return ((Enum<?>) v).name();
    }
    if (v instanceof List<?>) {
      return list((List<?>) v, depth);
    }
    if (v == null) {
      return "null";
    }
    try {
      return text(String.valueOf(v));
    } catch (Throwable t) {
      Fatal.rethrowIfFatal(t);
      return "[unprintable " + v.getClass().getName() + "]";
    }
  }

  private Object list(List<?> in, int depth) {
    if (depth >= MAX_LIST_DEPTH) {
      return "[list nested too deeply]";
    }
    Object[] out;
    boolean changed;
    try {
      Object[] src = in.toArray();
      out = new Object[src.length];
      changed = src.length > MAX_LIST_ELEMENTS;
      for (int i = 0; i < src.length; i++) {
        out[i] = value(src[i], depth + 1);
        changed |= out[i] != src[i];
      }
    } catch (Throwable t) {
      Fatal.rethrowIfFatal(t);
      return "[unprintable " + in.getClass().getName() + "]";
    }
    if (out.length <= MAX_LIST_ELEMENTS) {
      // List.copyOf returns an already immutable list as it is, and copies a mutable one.
      return changed ? List.of(out) : List.copyOf(in);
    }
    Object[] kept = Arrays.copyOf(out, MAX_LIST_ELEMENTS + 1);
    kept[MAX_LIST_ELEMENTS] = listMarker(List.of(out));
    return List.of(kept);
  }

  private String listMarker(List<?> full) {
    scratch.reset();
    AuditJson.writeValue(full, scratch);
    return "...[truncated " + full.size() + " elements, " + digestOfScratch() + "]";
  }

  private String digestOfScratch() {
    MessageDigest md = Hashing.sha256();
    md.update(scratch.array(), 0, scratch.length());
    String d = "sha256:" + Hashing.hex(md.digest());
    if (scratch.array().length > MAX_LINE_BYTES) {
      scratch.release();
    }
    return d;
  }
}
