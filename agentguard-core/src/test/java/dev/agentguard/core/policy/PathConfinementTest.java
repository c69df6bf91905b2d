package dev.agentguard.core.policy;

import static dev.agentguard.core.policy.Eval.E;
import static dev.agentguard.core.policy.Eval.F;
import static dev.agentguard.core.policy.Eval.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.PolicyException;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@code isWithin}: segment-aware path confinement that no traversal or encoding escapes. */
// docs/security-cases.md #48, #9
class PathConfinementTest {
  static String within(String path, String base) {
    return Eval.cond("resource.path.isWithin(" + quote(base) + ")", req(path));
  }

  static ToolRequest req(String path) {
    return ToolRequest.builder("files.read").attribute("resource.path", path).build();
  }

  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Test
  void startsWithIsBypassedByTraversalAndIsWithinIsNot() {
    assertEquals(T, Eval.cond("resource.path.startsWith('/ws/')", req("/ws/../etc/passwd")));
    assertEquals(F, within("/ws/../etc/passwd", "/ws"));
  }

  @Test
  void aForbidOutsideTheWorkspaceDeniesEveryEscape() {
    PolicySet set = PolicySet.parse(String.join("\n",
        "version: 1",
        "policies:",
        "  - id: outside-workspace",
        "    effect: forbid",
        "    tools: [\"files.*\"]",
        "    when: \"!resource.path.isWithin('/ws')\"",
        "  - id: files",
        "    effect: permit",
        "    tools: [\"files.*\"]",
        ""));
    for (String p : List.of("/ws/../etc/passwd", "/ws/%2e%2e/etc", "/ws/..%2fetc", "/ws/a/../../etc", "/ws/..\\etc",
        "/ws%2f..%2fetc", "/wsx/a", "/ws/%252e%252e/etc", "/ws/\u0000/../etc", "etc/passwd", "//ws/a", "/../ws/a",
        "/ws/%c0%ae%c0%ae/etc", "/ws/\uFF0E\uFF0E/etc")) {
      Decision d = set.evaluate(AgentIdentity.of("bot"), req(p), null, Eval.NOW);
      assertTrue(!d.allowed(), p + " must be denied, was " + d);
    }
    Decision ok = set.evaluate(AgentIdentity.of("bot"), req("/ws/src/./Main.java"), null, Eval.NOW);
    assertTrue(ok.allowed(), ok.toString());
  }

  @Test
  void segmentsNotPrefixes() {
    assertEquals(T, within("/ws", "/ws"));
    assertEquals(T, within("/ws/", "/ws"));
    assertEquals(T, within("/ws/a/b", "/ws"));
    assertEquals(T, within("/ws/a/b", "/ws/"));
    assertEquals(F, within("/wsx", "/ws"));
    assertEquals(F, within("/w", "/ws"));
    assertEquals(F, within("/", "/ws"));
    assertEquals(T, within("/anything", "/"));
  }

  @Test
  void dotsDoubleSlashesAndBackslashesAreNormalised() {
    assertEquals(T, within("/ws/./a", "/ws"));
    assertEquals(T, within("/ws//a", "/ws"));
    assertEquals(T, within("/ws/a/../b", "/ws"));
    assertEquals(T, within("/ws/a/..", "/ws"));
    assertEquals(F, within("/ws/..", "/ws"));
    assertEquals(F, within("/ws/a/../../b", "/ws"));
    assertEquals(T, within("\\ws\\a", "/ws"));     // backslashes are separators
    assertEquals(F, within("/ws\\..\\etc", "/ws"));
    assertEquals(F, within("/../ws/a", "/ws"));     // above the root is an escape, never clamped
    assertEquals(F, within("//ws/a", "/ws"));       // a network (UNC) root is not the local root
    assertEquals(F, within("\\\\ws\\a", "/ws"));
    assertEquals(F, within("ws/a", "/ws"));         // relative: not known to be inside
    assertEquals(F, within("", "/ws"));
  }

  @Test
  void percentEncodingIsDecodedOnceAndBothFormsMustStayInside() {
    assertEquals(F, within("/ws/%2e%2e/etc", "/ws"));
    assertEquals(F, within("/ws/%2E%2E%2Fetc", "/ws"));
    assertEquals(F, within("/ws/%2e%2e%5cetc", "/ws"));
    assertEquals(T, within("/ws/a%2fb", "/ws"));
    assertEquals(T, within("/ws/a%20b", "/ws"));
    assertEquals(F, within("/ws%2f..%2fetc", "/ws"));
    // double encoding, malformed escapes, overlong UTF-8 and control characters are errors
    assertEquals(E, within("/ws/%252e%252e/etc", "/ws"));
    assertEquals(E, within("/ws/%zz", "/ws"));
    assertEquals(E, within("/ws/%2", "/ws"));
    assertEquals(E, within("/ws/%c0%ae%c0%ae/etc", "/ws"));
    assertEquals(E, within("/ws/a\u0000b", "/ws"));
    assertEquals(E, within("/ws/a%00b", "/ws"));
    assertEquals(E, within("/ws/a\nb", "/ws"));
    assertEquals(E, within("/ws/a\u007fb", "/ws"));
  }

  @Test
  void compatibilityFormsOfDotsAndSlashesCannotEscape() {
    assertEquals(F, within("/ws/\uFF0E\uFF0E/etc", "/ws"));   // fullwidth full stops, NFKC '..'
    assertEquals(F, within("/ws/..\uFF0Fetc", "/ws"));        // fullwidth solidus
    assertEquals(T, within("/ws/caf\u00e9", "/ws"));
  }

  @Test
  void nonStringsAndMissingValuesAreErrors() {
    assertEquals(E, Eval.cond("resource.path.isWithin('/ws')", ToolRequest.builder("x").build()));
    assertEquals(E, Eval.cond("resource.path.isWithin('/ws')",
        ToolRequest.builder("x").attribute("resource.path", 5L).build()));
  }

  @Test
  void theBaseIsCheckedAtLoadTime() {
    for (String bad : List.of("ws", "/ws/../etc", "/ws/./a", "/ws%2f", "\\ws", "/ws/\u0001", "", "//ws")) {
      PolicyException e = assertThrows(PolicyException.class, () -> Eval.permitWhen("resource.path.isWithin(" + quote(bad) + ")"),
          bad);
      assertTrue(e.getMessage().contains("isWithin"), e.getMessage());
    }
    assertThrows(PolicyException.class, () -> Eval.permitWhen("resource.path.isWithin(resource.base)"));
    assertThrows(PolicyException.class, () -> Eval.permitWhen("resource.path.isWithin('/a', '/b')"));
  }

  @Test
  void aForbidThatCannotReadThePathDenies() {
    PolicySet set = PolicySet.parse("{\"version\":1,\"policies\":[{\"id\":\"f\",\"effect\":\"forbid\",\"tools\":[\"**\"],"
        + "\"when\":\"!resource.path.isWithin('/ws')\"},{\"id\":\"p\",\"effect\":\"permit\",\"tools\":[\"**\"]}]}");
    Decision d = set.evaluate(AgentIdentity.of("bot"), req("/ws/%zz"), null, Eval.NOW);
    assertEquals(DenyCode.EVALUATION_ERROR, d.code());
    assertEquals(List.of("forbid f could not be evaluated: resource.path is not a well-formed path "
        + "(a control character, a malformed or double percent-encoding, or invalid UTF-8)"), d.reasons());
  }

  // ---------------------------------------------------------------- property: against a naive reference

  static final String BASE = "/ws/p";

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/", "\\", ".", "..", "ws", "p", "q", "etc", "%2e", "%2E", "%2f", "%5c", "%25", "%41", "//",
            "%", "%z", "\u0000", "\uFF0E", "\uFF0F", "%c0%ae", "%c3%a9", "\u00e9", "a b")
        .list().ofMinSize(0).ofMaxSize(12).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> pathsUnderBase() {
    return paths().map(p -> BASE + (p.startsWith("/") ? p : "/" + p));
  }

  @Property(tries = 3000)
  void agreesWithANaiveReferenceNormaliser(@ForAll("paths") String tail, @ForAll boolean underBase) {
    String path = underBase ? BASE + "/" + tail : tail;
    assertEquals(Reference.within(path, BASE), within(path, BASE), () -> "path " + escape(path));
  }

  @Property(tries = 2000)
  void noPathThatIsWithinEscapesUnderTheJdksNormaliser(@ForAll("pathsUnderBase") String path) {
    if (!within(path, BASE).equals(T)) {
      return;
    }
    // the tool may use the path as given, percent-decoded, NFKC-folded or with '\' as a separator
    for (String view : Reference.views(path)) {
      Path p = Path.of(view.replace('\\', '/')).normalize();
      boolean dotDot = false;
      for (Path name : p) {
        dotDot |= name.toString().equals("..");
      }
      assertTrue(p.startsWith(Path.of(BASE)) && !dotDot, escape(path) + " escapes as " + p);
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }

  /**
   * A deliberately naive reference: decode with a byte loop, split with a regex, resolve with a
   * stack; every interpretation (raw, decoded, NFKC of each) must stay inside the base.
   */
  static final class Reference {
    static String within(String path, String base) {
      List<String> views = views(path);
      if (views == null) {
        return E;
      }
      for (String v : views) {
        if (!inside(v, base)) {
          return F;
        }
      }
      return T;
    }

    /** The interpretations a tool might use; null when the path is malformed. */
    static List<String> views(String path) {
      if (hasControl(path)) {
        return null;
      }
      String decoded = decode(path);
      if (decoded == null || hasControl(decoded) || decoded.contains("%")) {
        return null;
      }
      return List.of(path, decoded, Normalizer.normalize(path, Normalizer.Form.NFKC),
          Normalizer.normalize(decoded, Normalizer.Form.NFKC));
    }

    static boolean hasControl(String s) {
      return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    static String decode(String s) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < b.length; i++) {
        if (b[i] == '%') {
          if (i + 2 >= b.length) {
            return null;
          }
          int hi = Character.digit(b[i + 1], 16);
          int lo = Character.digit(b[i + 2], 16);
          if (hi < 0 || lo < 0) {
            return null;
          }
          out.write(hi * 16 + lo);
          i += 2;
        } else {
          out.write(b[i]);
        }
      }
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
      } catch (CharacterCodingException e) {
        return null;
      }
    }

    static boolean inside(String path, String base) {
      String p = path.replace('\\', '/');
      if (!p.startsWith("/") || p.startsWith("//")) {
        return false;
      }
      Deque<String> stack = new ArrayDeque<>();
      for (String seg : p.split("/+")) {
        if (seg.isEmpty() || seg.equals(".")) {
          continue;
        }
        if (seg.equals("..")) {
          if (stack.isEmpty()) {
            return false;
          }
          stack.removeLast();
        } else {
          stack.addLast(seg);
        }
      }
      String resolved = "/" + String.join("/", stack);
      return resolved.equals(base) || resolved.startsWith(base + "/");
    }
  }
}
