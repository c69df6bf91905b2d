package dev.agentguard.core.internal.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Lexical, segment-aware path confinement behind the {@code isWithin} condition method: whether a
 * path names the base directory or something below it under <em>every</em> reading a tool might
 * give it.
 *
 * <p>A value is read four ways — as given, percent-decoded once (strict UTF-8), and the NFKC
 * compatibility form of each (so fullwidth dots and slashes count) — and each reading must stay
 * inside. A reading is resolved with {@code /} and {@code \} as separators, empty and {@code .}
 * segments dropped and {@code ..} removing the previous segment; a {@code ..} above the root, a
 * relative path or a network root ({@code //host}, {@code \\host}) is outside. A value with a
 * control character (U+0000-U+001F, U+007F, raw or encoded), a malformed or double percent-encoding
 * ({@code %zz}, {@code %2}, {@code %252e}) or invalid UTF-8 (overlong {@code %c0%ae}) is not a
 * well-formed path: {@link Expr#ERROR}. Symbolic links are not resolved (a policy cannot see the
 * file system); tools that follow links must confine themselves too.
 *
 * <p>Immutable and thread-safe.
 */
final class PathConfinement {
  private final String base; // normalised: "/" or "/a/b" without a trailing '/'
  private final String[] baseSegments;

  private PathConfinement(String base, String[] baseSegments) {
    this.base = base;
    this.baseSegments = baseSegments;
  }

  /**
   * Compiles a base directory from the policy.
   *
   * @throws IllegalArgumentException when the base is not an absolute, normalised, plain path
   */
  static PathConfinement compile(String base) {
    if (base.isEmpty() || base.charAt(0) != '/' || base.startsWith("//")) {
      throw new IllegalArgumentException("isWithin() needs an absolute base path such as '/workspace'");
    }
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (isControl(c) || c == '%' || c == '\\') {
        throw new IllegalArgumentException(
            "isWithin() base path must not contain control characters, '%' or '\\'");
      }
    }
    List<String> segs = new ArrayList<>();
    for (String s : base.split("/")) {
      if (s.equals(".") || s.equals("..")) {
        throw new IllegalArgumentException("isWithin() base path must not contain '.' or '..' segments");
      }
      if (!s.isEmpty()) {
        segs.add(s);
      }
    }
    String normal = "/" + String.join("/", segs);
    if (!Normalizer.isNormalized(normal, Normalizer.Form.NFKC)) {
      throw new IllegalArgumentException("isWithin() base path must be in Unicode NFKC form");
    }
    return new PathConfinement(normal, segs.toArray(new String[0]));
  }

  String base() {
    return base;
  }

  /** {@link Expr#TRUE} when every reading of {@code path} stays inside, FALSE when one escapes, ERROR when malformed. */
  int test(String path) {
    for (int i = 0; i < path.length(); i++) {
      if (isControl(path.charAt(i))) {
        return Expr.ERROR;
      }
    }
    String decoded = path.indexOf('%') < 0 ? path : decode(path);
    if (decoded == null) {
      return Expr.ERROR;
    }
    if (!inside(path) || (decoded != path && !inside(decoded))) {
      return Expr.FALSE;
    }
    if (!isAscii(decoded)) {
      String folded = Normalizer.normalize(decoded, Normalizer.Form.NFKC);
      String foldedRaw = Normalizer.normalize(path, Normalizer.Form.NFKC);
      if (!inside(folded) || !inside(foldedRaw)) {
        return Expr.FALSE;
      }
    }
    return Expr.TRUE;
  }

  private static boolean isControl(char c) {
    return c < 0x20 || c == 0x7f;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Percent-decodes once as strict UTF-8; null when malformed, double-encoded or decoding to a control character. */
  private static String decode(String s) {
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[in.length];
    int n = 0;
    for (int i = 0; i < in.length; i++) {
      byte b = in[i];
      if (b == '%') {
        if (i + 2 >= in.length) {
          return null;
        }
        int hi = Character.digit(in[i + 1], 16);
        int lo = Character.digit(in[i + 2], 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        int v = hi * 16 + lo;
        if (v == '%' || v < 0x20 || v == 0x7f) {
          return null;
        }
        out[n++] = (byte) v;
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** One reading: absolute, resolved without clamping at the root, starting with the base segments. */
  private boolean inside(String p) {
    int len = p.length();
    if (len == 0 || !isSep(p.charAt(0)) || (len > 1 && isSep(p.charAt(1)))) {
      return false;
    }
    List<String> stack = new ArrayList<>();
    int i = 0;
    while (i < len) {
      while (i < len && isSep(p.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < len && !isSep(p.charAt(i))) {
        i++;
      }
      if (start == i) {
        continue;
      }
      String seg = p.substring(start, i);
      if (seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (stack.isEmpty()) {
          return false; // above the root: an escape, never clamped
        }
        stack.remove(stack.size() - 1);
      } else {
        stack.add(seg);
      }
    }
    if (stack.size() < baseSegments.length) {
      return false;
    }
    for (int k = 0; k < baseSegments.length; k++) {
      if (!baseSegments[k].equals(stack.get(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSep(char c) {
    return c == '/' || c == '\\';
  }
}
