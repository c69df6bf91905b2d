package dev.agentguard.core.internal;

import dev.agentguard.internal.VisibleText;
import java.util.Objects;

/**
 * A compiled glob pattern, matched against the whole input (anchored at both ends).
 *
 * <p>Syntax: {@code *} matches any run of characters (possibly empty) that contains neither
 * {@code .} nor {@code /}; {@code **} matches any run of characters; every other character matches
 * itself. There are no escapes, no {@code ?} and no character classes. Three or more consecutive
 * stars, the empty pattern and a pattern holding an invisible, bidi or other format character are
 * malformed.
 *
 * <p>Matching is a simulation of the pattern's non-deterministic automaton over the input, so it
 * runs in {@code O(input length * pattern length)} time, never backtracks and never uses
 * {@code java.util.regex}. Literal patterns and simple prefix or suffix patterns take fast paths.
 * Patterns of up to 63 tokens match without allocating.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Glob {
  /** Longest pattern accepted, in characters. */
  public static final int MAX_PATTERN_LENGTH = 1024;

  private static final byte LIT = 0;
  private static final byte STAR = 1;
  private static final byte DSTAR = 2;

  private static final int K_GENERAL = 0;
  private static final int K_LITERAL = 1;
  private static final int K_ANY = 2; // "**"
  private static final int K_PREFIX_ANY = 3; // "abc**"
  private static final int K_SUFFIX_ANY = 4; // "**abc"
  private static final int K_PREFIX_STAR = 5; // "abc*"

  private final String pattern;
  private final byte[] kinds; // null unless K_GENERAL
  private final char[] chars; // null unless K_GENERAL
  private final int kind;
  private final String fixed;

  private Glob(String pattern, byte[] kinds, char[] chars) {
    this.pattern = pattern;
    int stars = 0;
    int firstStar = -1;
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] != LIT) {
        stars++;
        if (firstStar < 0) {
          firstStar = i;
        }
      }
    }
    int n = kinds.length;
    if (stars == 0) {
      kind = K_LITERAL;
      fixed = pattern;
    } else if (stars == 1 && n == 1 && kinds[0] == DSTAR) {
      kind = K_ANY;
      fixed = "";
    } else if (stars == 1 && firstStar == n - 1 && kinds[n - 1] == DSTAR) {
      kind = K_PREFIX_ANY;
      fixed = new String(chars, 0, n - 1);
    } else if (stars == 1 && firstStar == n - 1 && kinds[n - 1] == STAR) {
      kind = K_PREFIX_STAR;
      fixed = new String(chars, 0, n - 1);
    } else if (stars == 1 && firstStar == 0 && kinds[0] == DSTAR) {
      kind = K_SUFFIX_ANY;
      fixed = new String(chars, 1, n - 1);
    } else {
      kind = K_GENERAL;
      fixed = null;
    }
    // only the general matcher reads the token arrays; the fast paths need none (compact literals)
    this.kinds = kind == K_GENERAL ? kinds : null;
    this.chars = kind == K_GENERAL ? chars : null;
  }

  /**
   * Compiles a pattern.
   *
   * @param pattern the glob
   * @return the compiled glob
   * @throws IllegalArgumentException naming the pattern when it is empty, longer than
   *     {@value #MAX_PATTERN_LENGTH} characters or contains three or more consecutive stars, or
   *     naming the code point and its index when it holds an invisible, bidi or other format
   *     character (the one rule of {@code VisibleText}, shared with agent ids and tool names)
   * @throws NullPointerException if {@code pattern} is null
   */
  public static Glob compile(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    VisibleText.requireVisible(pattern, "glob");
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("malformed glob '': a pattern must not be empty");
    }
    if (pattern.length() > MAX_PATTERN_LENGTH) {
      throw new IllegalArgumentException("malformed glob '" + pattern.substring(0, 40)
          + "...': longer than " + MAX_PATTERN_LENGTH + " characters");
    }
    byte[] kinds = new byte[pattern.length()];
    char[] chars = new char[pattern.length()];
    int n = 0;
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '*') {
        int run = 1;
        while (i + run < pattern.length() && pattern.charAt(i + run) == '*') {
          run++;
        }
        if (run > 2) {
          throw new IllegalArgumentException("malformed glob '" + pattern
              + "': three or more consecutive '*' (use '*' or '**')");
        }
        kinds[n] = run == 2 ? DSTAR : STAR;
        chars[n] = '*';
        n++;
        i += run;
      } else {
        kinds[n] = LIT;
        chars[n] = c;
        n++;
        i++;
      }
    }
    byte[] k = new byte[n];
    char[] ch = new char[n];
    System.arraycopy(kinds, 0, k, 0, n);
    System.arraycopy(chars, 0, ch, 0, n);
    return new Glob(pattern, k, ch);
  }

  /** Whether at least one of {@code globs} matches {@code s}. */
  public static boolean anyMatches(Glob[] globs, CharSequence s) {
    for (Glob g : globs) {
      if (g.matches(s)) {
        return true;
      }
    }
    return false;
  }

  /** The pattern as written. */
  public String pattern() {
    return pattern;
  }

  /** Whether the pattern has no wildcard, so it matches exactly one string (itself). */
  public boolean isLiteral() {
    return kind == K_LITERAL;
  }

  /**
   * Whether the whole of {@code s} matches the pattern.
   *
   * @param s the input; {@code null} never matches
   * @return true on a whole-string match
   */
  public boolean matches(CharSequence s) {
    if (s == null) {
      return false;
    }
    switch (kind) {
      case K_LITERAL:
        return fixed.contentEquals(s);
      case K_ANY:
        return true;
      case K_PREFIX_ANY:
        return startsWith(s, fixed);
      case K_SUFFIX_ANY:
        return endsWith(s, fixed);
      case K_PREFIX_STAR:
        if (!startsWith(s, fixed)) {
          return false;
        }
        for (int i = fixed.length(); i < s.length(); i++) {
          char c = s.charAt(i);
          if (c == '.' || c == '/') {
            return false;
          }
        }
        return true;
      default:
        return kinds.length < 64 ? matchSmall(s) : matchLarge(s);
    }
  }

  private static boolean startsWith(CharSequence s, String prefix) {
    int n = prefix.length();
    if (s.length() < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(CharSequence s, String suffix) {
    int n = suffix.length();
    int off = s.length() - n;
    if (off < 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(off + i) != suffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** NFA simulation with the state set in one long (state i = "tokens before i are consumed"). */
  private boolean matchSmall(CharSequence s) {
    final int m = kinds.length;
    long states = closure(1L);
    for (int p = 0; p < s.length() && states != 0; p++) {
      char c = s.charAt(p);
      boolean sep = c == '.' || c == '/';
      long next = 0;
      long st = states;
      while (st != 0) {
        int i = Long.numberOfTrailingZeros(st);
        st &= st - 1;
        if (i >= m) {
          continue;
        }
        byte k = kinds[i];
        if (k == LIT) {
          if (chars[i] == c) {
            next |= 1L << (i + 1);
          }
        } else if (k == DSTAR || !sep) {
          next |= 1L << i;
        }
      }
      states = closure(next);
    }
    return (states & (1L << m)) != 0;
  }

  private long closure(long states) {
    long st = states;
    for (int i = 0; i < kinds.length; i++) {
      if ((st & (1L << i)) != 0 && kinds[i] != LIT) {
        st |= 1L << (i + 1);
      }
    }
    return st;
  }

  /** Same simulation with boolean arrays, for long patterns. */
  private boolean matchLarge(CharSequence s) {
    final int m = kinds.length;
    boolean[] cur = new boolean[m + 1];
    boolean[] next = new boolean[m + 1];
    cur[0] = true;
    closure(cur);
    for (int p = 0; p < s.length(); p++) {
      char c = s.charAt(p);
      boolean sep = c == '.' || c == '/';
      java.util.Arrays.fill(next, false);
      boolean any = false;
      for (int i = 0; i < m; i++) {
        if (!cur[i]) {
          continue;
        }
        byte k = kinds[i];
        if (k == LIT) {
          if (chars[i] == c) {
            next[i + 1] = true;
            any = true;
          }
        } else if (k == DSTAR || !sep) {
          next[i] = true;
          any = true;
        }
      }
      if (!any) {
        return false;
      }
      closure(next);
      boolean[] t = cur;
      cur = next;
      next = t;
    }
    return cur[m];
  }

  private void closure(boolean[] st) {
    for (int i = 0; i < kinds.length; i++) {
      if (st[i] && kinds[i] != LIT) {
        st[i + 1] = true;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob && ((Glob) o).pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
