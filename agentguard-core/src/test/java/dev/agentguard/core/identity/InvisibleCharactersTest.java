package dev.agentguard.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.Glob;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agent ids, tool names, task scopes and policy globs refuse invisible, bidi and other hidden
 * characters with one message naming the code point, never the character. docs/security-cases.md #47
 */
class InvisibleCharactersTest {
  /** Every place a name that policies compare enters the library, with what the message calls it. */
  static final List<Consumer<String>> ENTRY_POINTS = List.of(
      AgentIdentity::of,
      ToolRequest::builder,
      scope -> TaskSpec.builder(AgentIdentity.of("bot")).scopes(scope),
      Glob::compile);

  static void assertRejectedNamingTheCodePoint(String value, int cp, int index) {
    String hex = String.format(Locale.ROOT, "U+%04X", cp);
    for (Consumer<String> entry : ENTRY_POINTS) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> entry.accept(value), hex);
      assertTrue(e.getMessage().contains(hex), e.getMessage());
      assertTrue(e.getMessage().contains("at index " + index), e.getMessage());
      assertFalse(e.getMessage().contains(new String(Character.toChars(cp))),
          "the message must not echo the hidden character: " + hex);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {
      0x200B, // ZERO WIDTH SPACE
      0x00AD, // SOFT HYPHEN
      0x202E, // RIGHT-TO-LEFT OVERRIDE
      0xFEFF, // BYTE ORDER MARK / ZERO WIDTH NO-BREAK SPACE
      0x034F, // COMBINING GRAPHEME JOINER (Mn, default-ignorable)
      0x200D, 0x200E, 0x061C, 0x2066, 0x2069, // ZWJ, LRM, ARABIC LETTER MARK, isolates
      0xFE0F, 0xE0100, 0x180B, // variation selectors
      0xE0041, // TAG LATIN CAPITAL LETTER A
      0x3164, 0x115F, 0xFFA0, 0x17B4, 0x2800, // fillers and blanks
      0x00A0, 0x3000, 0x2028, // non-ASCII spaces, line separator
      0xE000, 0x0378, // private use, unassigned
      0x0007, 0x007F}) // controls
  void rejectsHiddenCharactersEverywhereAPolicyComparesNames(int cp) {
    String hidden = new String(Character.toChars(cp));
    assertRejectedNamingTheCodePoint("support" + hidden + "bot", cp, 7);
    assertRejectedNamingTheCodePoint(hidden + "tickets.read", cp, 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"spiffe://acme.example/agent/support\u200Bbot", "spiffe://acme\u202E.example/a"})
  void rejectsHiddenCharactersInSpiffeIdsWithTheSameMessage(String id) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of(id));
    assertTrue(e.getMessage().startsWith("agent id contains U+"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uD800x", "x\uDC00"})
  void rejectsUnpairedSurrogates(String value) {
    for (Consumer<String> entry : ENTRY_POINTS) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> entry.accept(value));
      assertTrue(e.getMessage().contains("U+D800") || e.getMessage().contains("U+DC00"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bot-é", "agent:日本", "müller@acme", "Ω"})
  void keepsVisibleNonAsciiAgentIdsAndGlobs(String value) {
    assertEquals(value, AgentIdentity.of(value).id());
    assertEquals(value, Glob.compile(value).pattern());
  }
}
