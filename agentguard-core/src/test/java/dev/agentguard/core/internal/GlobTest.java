package dev.agentguard.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class GlobTest {

  @Test
  void literalMatchesOnlyItself() {
    Glob g = Glob.compile("/project/1");
    assertTrue(g.isLiteral());
    assertTrue(g.matches("/project/1"));
    assertFalse(g.matches("/project/1/member"));
    assertFalse(g.matches("/project/10"));
    assertFalse(g.matches("/project/"));
    assertFalse(g.matches(null));
  }

  @Test
  void singleStarStopsAtDotAndSlash() {
    Glob g = Glob.compile("tickets.*");
    assertFalse(g.isLiteral());
    assertTrue(g.matches("tickets.read"));
    assertTrue(g.matches("tickets."));
    assertFalse(g.matches("tickets.read.all"));
    assertFalse(g.matches("tickets.a/b"));
    assertFalse(g.matches("ticketsXread"));
    Glob p = Glob.compile("/project/*");
    assertTrue(p.matches("/project/1"));
    assertFalse(p.matches("/project/1/member"));
    assertFalse(p.matches("/project/.."));
    assertFalse(p.matches("/project/../admin"));
  }

  @Test
  void doubleStarMatchesAnything() {
    Glob g = Glob.compile("spiffe://acme.example/**");
    assertTrue(g.matches("spiffe://acme.example/agent/a.b/c"));
    assertFalse(g.matches("spiffe://acme.example.evil/agent"));
    assertTrue(Glob.compile("**").matches(""));
    assertTrue(Glob.compile("**.txt").matches("a/b/c.txt"));
    assertFalse(Glob.compile("**.txt").matches("a/b/c.txt\n"));
  }

  @Test
  void encodedAndTraversalInputsDoNotEscape() {
    Glob g = Glob.compile("/files/*.txt");
    assertTrue(g.matches("/files/a.txt"));
    assertFalse(g.matches("/files/../etc/passwd.txt"));
    assertFalse(g.matches("/files//x.txt"));
    // percent-encodings are plain characters: they match '*' but are never decoded into '..' or '/'
    assertTrue(g.matches("/files/%2e%2e.txt"));
    assertFalse(g.matches("/files/%2e%2e/x.txt"));
    assertTrue(Glob.compile("/files/*").matches("/files/%2e%2e"));
    assertFalse(Glob.compile("/files/*").matches("/files/%2e%2e/x"));
    assertFalse(Glob.compile("/files/*").matches("/files/a\n/b"));
    assertTrue(Glob.compile("/files/*").matches("/files/a%0a"));
    assertFalse(Glob.compile("a*").matches("a.b"));
  }

  @Test
  void starBeforeLiteralWorksWithTheNfa() {
    Glob g = Glob.compile("*-bot");
    assertTrue(g.matches("support-bot"));
    assertTrue(g.matches("-bot"));
    assertFalse(g.matches("x.y-bot"));
    Glob h = Glob.compile("a*b*c");
    assertTrue(h.matches("abc"));
    assertTrue(h.matches("aXXbYYc"));
    assertFalse(h.matches("aXXbYYcZ"));
  }

  @Test
  void malformedPatternsAreRejectedNamingThePattern() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Glob.compile("a***b"));
    assertTrue(e.getMessage().contains("a***b"));
    assertThrows(IllegalArgumentException.class, () -> Glob.compile(""));
    assertThrows(IllegalArgumentException.class, () -> Glob.compile("****"));
    assertThrows(IllegalArgumentException.class, () -> Glob.compile("x".repeat(Glob.MAX_PATTERN_LENGTH + 1)));
    assertThrows(NullPointerException.class, () -> Glob.compile(null));
  }

  @Test
  void pathologicalPatternsAreLinear() {
    String pattern = "a*".repeat(30) + "b";
    String pattern2 = "**a".repeat(100) + "b"; // long pattern: array path
    String input = "a".repeat(200_000);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertFalse(Glob.compile(pattern).matches(input));
      assertFalse(Glob.compile(pattern2).matches(input));
      assertTrue(Glob.compile(pattern2.substring(0, pattern2.length() - 1)).matches(input));
    });
  }

  @Test
  void patternsWithHiddenCharactersAreMalformed() {
    // docs/security-cases.md #47: a pattern cannot hide what it matches
    for (String bad : new String[] {"tickets.\n*", "tickets\u200B.*", "\u202Etickets.*", "a\u0000b"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Glob.compile(bad));
      assertTrue(e.getMessage().startsWith("glob contains U+"), e.getMessage());
    }
  }

  @Test
  void accessors() {
    Glob g = Glob.compile("x.*");
    assertEquals("x.*", g.pattern());
    assertEquals("x.*", g.toString());
    assertEquals(g, Glob.compile("x.*"));
    assertEquals(g.hashCode(), Glob.compile("x.*").hashCode());
  }

  // ---- regex oracle (test only)

  static Pattern oracle(String glob) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          sb.append(".*");
          i += 2;
        } else {
          sb.append("[^./]*");
          i++;
        }
      } else {
        sb.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return Pattern.compile(sb.toString(), Pattern.DOTALL);
  }

  @Provide
  Arbitrary<String> patterns() {
    // no '\n' in patterns: a control character makes a pattern malformed (patternsWithHiddenCharactersAreMalformed)
    return Arbitraries.strings().withChars('a', 'b', '.', '/', '*', '-', '%').ofMinLength(1).ofMaxLength(12)
        .filter(s -> !s.contains("***"));
  }

  @Provide
  Arbitrary<String> inputs() {
    return Arbitraries.strings().withChars('a', 'b', '.', '/', '\n', '%', '*').ofMaxLength(14);
  }

  @Property(tries = 3000)
  void agreesWithRegexOracle(@ForAll("patterns") String pattern, @ForAll("inputs") String input) {
    assertEquals(oracle(pattern).matcher(input).matches(), Glob.compile(pattern).matches(input),
        () -> "pattern " + pattern + " input " + input);
  }

  @Property(tries = 300)
  void longPatternsAgreeWithOracle(@ForAll("patterns") String a, @ForAll("patterns") String b,
      @ForAll("inputs") String input) {
    String pattern = (a + "x" + b).repeat(6);
    if (pattern.contains("***")) {
      return;
    }
    String in = (input + "x").repeat(5);
    assertEquals(oracle(pattern).matcher(in).matches(), Glob.compile(pattern).matches(in));
  }
}
