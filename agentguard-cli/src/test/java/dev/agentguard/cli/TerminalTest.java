package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TerminalTest {
  @Test
  void escapesControlFormatAndSeparatorCharacters() {
    assertEquals("a\\u001b[31mb", Terminal.safe("a\u001b[31mb"));
    assertEquals("x\\u000a\\u000dy", Terminal.safe("x\n\ry"));
    assertEquals("\\u202eevil\\u200b", Terminal.safe("\u202eevil\u200b"));
    assertEquals("\\u2028", Terminal.safe("\u2028"));
    assertEquals("back\\u005cslash", Terminal.safe("back\\slash"), "a literal backslash cannot fake an escape");
  }

  @Test
  void keepsPrintableTextAndValidSurrogatePairsButEscapesLoneSurrogates() {
    assertEquals("héllo 日本 \uD83D\uDE00", Terminal.safe("héllo 日本 \uD83D\uDE00"));
    assertEquals("\\ud83d!", Terminal.safe("\uD83D!"));
    assertEquals("!\\ude00", Terminal.safe("!\uDE00"));
  }

  @Test
  void cutsLongValuesAndSaysHowLongTheyWere() {
    String s = Terminal.safe("x".repeat(10_000));
    assertTrue(s.startsWith("x".repeat(Terminal.MAX_FIELD)));
    assertTrue(s.endsWith("...(10000 chars)"), s);
  }
}
