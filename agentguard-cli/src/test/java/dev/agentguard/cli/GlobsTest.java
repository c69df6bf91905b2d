package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The linter's glob questions, answered by the library's matcher (docs/policy-language.md, Globs). */
class GlobsTest {
  private final Globs globs = new Globs();

  @Test
  void matchesWithTheLibrarysSemantics() {
    assertTrue(globs.matches("tickets.*", "tickets.read"));
    assertFalse(globs.matches("tickets.*", "tickets.read.all"), "* does not cross '.'");
    assertTrue(globs.matches("tickets.**", "tickets.read.all"));
    assertFalse(globs.matches("/files/*", "/files/../etc"), "* does not cross '/'");
    assertTrue(globs.matches("it's", "it's"), "quotes in a pattern are literal");
    assertFalse(globs.matches("a\\b", "ab"));
    assertTrue(globs.matches("a\\b", "a\\b"), "backslashes are literal");
  }

  @Test
  void coversOnlyWhatIsProvablyCovered() {
    assertTrue(globs.covers("email.*", "email.send"));
    assertTrue(globs.covers("email.*", "email.s*"));
    assertTrue(globs.covers("**", "anything.**"));
    assertTrue(globs.covers("a.**", "a.b.*"));
    assertFalse(globs.covers("email.*", "email.**"), "** reaches past the next dot");
    assertFalse(globs.covers("email.*", "email.send.now"));
    assertFalse(globs.covers("email.send", "email.*"));
    assertTrue(globs.coversAll(List.of("a.*", "b.*"), List.of("a.x", "b.y")));
    assertFalse(globs.coversAll(List.of("a.*"), List.of("a.x", "b.y")));
  }

  @Test
  void aMalformedPatternMatchesNothing() {
    assertFalse(globs.matches("a.***", "a.b"));
    assertFalse(globs.matches("", ""));
  }
}
