package dev.agentguard.cli;

/**
 * Makes trail and policy text safe to print on a terminal: the trail holds model-controlled strings,
 * and an ANSI escape, a carriage return or a bidirectional override in one could rewrite what the
 * reviewer sees. Control, format (bidi, zero-width) and line-separator characters are shown as
 * {@code \\uXXXX}; long values are cut. Stateless and thread-safe.
 *
 * @since 0.2.0
 */
final class Terminal {
  /** Longest value printed in one field of a human-readable line. */
  static final int MAX_FIELD = 200;

  private Terminal() {}

  /** {@code value} with unsafe characters escaped and cut to {@link #MAX_FIELD} characters. */
  static String safe(Object value) {
    return visible(value, MAX_FIELD);
  }

  /** {@code value} with unsafe characters escaped and cut to about {@code max} characters. */
  static String visible(Object value, int max) {
    String s = String.valueOf(value);
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 8);
    for (int i = 0; i < s.length(); i++) {
      if (sb.length() >= max) {
        sb.append("...(").append(s.length()).append(" chars)");
        break;
      }
      char c = s.charAt(i);
      int type = Character.getType(c);
      if (c == '\\' || type == Character.CONTROL || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE && !validPair(s, i)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean validPair(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
