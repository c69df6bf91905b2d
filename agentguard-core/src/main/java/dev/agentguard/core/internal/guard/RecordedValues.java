package dev.agentguard.core.internal.guard;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds what the audit record of one tool call keeps of its attribute values, because the model
 * controls them: a string longer than {@link #MAX_CHARS} characters is recorded as its first
 * {@link #KEPT_CHARS} characters followed by {@code "…[truncated: <n> chars, sha256:<hex>]"} (the
 * digest of the whole value, so a reviewer holding the value can match it); a list whose strings
 * together exceed {@link #MAX_CHARS} is recorded as {@code "[truncated: list of <n> elements,
 * sha256:<hex>]"}. The decision itself always sees the whole value.
 *
 * <p>Thread-safe (stateless).
 */
final class RecordedValues {
  static final int MAX_CHARS = 4096;
  static final int KEPT_CHARS = 256;

  private RecordedValues() {}

  /** {@code attributes} with over-long values replaced as described; the same map when none is. */
  static Map<String, Object> bounded(Map<String, Object> attributes) {
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      Object bounded = bounded(e.getValue());
      if (bounded != e.getValue()) {
        if (out == null) {
          out = new LinkedHashMap<>(attributes);
        }
        out.put(e.getKey(), bounded);
      }
    }
    return out == null ? attributes : out;
  }

  private static Object bounded(Object value) {
    if (value instanceof String s && s.length() > MAX_CHARS) {
      int kept = Character.isHighSurrogate(s.charAt(KEPT_CHARS - 1)) ? KEPT_CHARS - 1 : KEPT_CHARS;
      return s.substring(0, kept) + "…[truncated: " + s.length() + " chars, " + Digests.of(s) + "]";
    }
    if (value instanceof Collection<?> c && chars(c, 0) > MAX_CHARS) {
      return "[truncated: list of " + c.size() + " elements, " + Digests.of(c) + "]";
    }
    return value;
  }

  /** Characters of the strings in {@code c} (nested lists included), stopping once over the bound. */
  private static long chars(Collection<?> c, int depth) {
    long n = 0;
    for (Object o : c) {
      n += o instanceof String s ? s.length() : o instanceof Collection<?> inner && depth < 8 ? chars(inner, depth + 1) : 8;
      if (n > MAX_CHARS) {
        return n;
      }
    }
    return n;
  }
}
