package dev.agentguard.core.internal.guard;

import dev.agentguard.core.internal.Hashing;
import java.lang.reflect.Array;
import java.util.Collection;

/**
 * SHA-256 digests that stand in the audit trail for {@code @Redact} values. They are computed from the
 * copy the call was decided on (see {@link ArgumentCopier}), never from the caller's live object.
 *
 * <p>What is digested: a string's UTF-8 bytes; a {@code byte[]} as its bytes; a {@code char[]} as the
 * UTF-8 bytes of its characters; any other value as the UTF-8 bytes of its canonical text: JSON-style
 * quoted strings (and characters and enum names), numbers, booleans, {@code URI}/{@code URL} as
 * quoted text, arrays and collections as {@code [a,b]}. Only JDK value types reach this class, so
 * computing a digest runs no code of the caller.
 *
 * <p>Thread-safe (stateless).
 */
final class Digests {
  private Digests() {}

  /** {@code "sha256:<hex>"} of {@code value}, as described above. */
  static String of(Object value) {
    if (value instanceof byte[] bytes) {
      return Hashing.sha256Tagged(bytes);
    }
    if (value instanceof char[] chars) {
      return Hashing.sha256Tagged(new String(chars));
    }
    if (value instanceof String text) {
      return Hashing.sha256Tagged(text);
    }
    StringBuilder canonical = new StringBuilder();
    append(canonical, value);
    return Hashing.sha256Tagged(canonical.toString());
  }

  private static void append(StringBuilder out, Object v) {
    if (v == null || v instanceof Boolean || v instanceof Number) {
      out.append(v);
    } else if (v instanceof Enum<?> e) {
      quote(out, e.name());
    } else if (v instanceof Collection<?> c) {
      out.append('[');
      int i = 0;
      for (Object o : c) {
        out.append(i++ == 0 ? "" : ",");
        append(out, o);
      }
      out.append(']');
    } else if (v.getClass().isArray()) {
      out.append('[');
      for (int i = 0, n = Array.getLength(v); i < n; i++) {
        out.append(i == 0 ? "" : ",");
        append(out, Array.get(v, i));
      }
      out.append(']');
    } else {
      quote(out, v.toString());
    }
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
