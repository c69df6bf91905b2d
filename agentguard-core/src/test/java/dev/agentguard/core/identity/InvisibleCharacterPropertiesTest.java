package dev.agentguard.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.Glob;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random names with a hidden character inserted anywhere are always rejected; visible ASCII names are
 * unchanged. The hidden characters come from a deliberately naive reference: the Unicode general
 * categories and default-ignorable ranges listed by hand. docs/security-cases.md #47
 */
class InvisibleCharacterPropertiesTest {

  /** Naive reference: hidden iff its category or range says so, written out plainly. */
  static boolean naiveHidden(int cp) {
    int t = Character.getType(cp);
    if (t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
        || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR
        || t == Character.PRIVATE_USE || t == Character.UNASSIGNED) {
      return true;
    }
    if (t == Character.SPACE_SEPARATOR) {
      return cp != 0x20;
    }
    int[][] ignorable = {{0x034F, 0x034F}, {0x115F, 0x1160}, {0x17B4, 0x17B5}, {0x180B, 0x180F},
        {0x2800, 0x2800}, {0x3164, 0x3164}, {0xFE00, 0xFE0F}, {0xFFA0, 0xFFA0}, {0xE0000, 0xE0FFF}};
    for (int[] r : ignorable) {
      if (cp >= r[0] && cp <= r[1]) {
        return true;
      }
    }
    return false;
  }

  @Provide
  Arbitrary<Integer> hiddenCodePoints() {
    Arbitrary<Integer> named = Arbitraries.of(0x200B, 0x00AD, 0x202E, 0xFEFF, 0x034F, 0x2066, 0xFE0F,
        0xE0100, 0x061C, 0x180E);
    Arbitrary<Integer> any = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
        .filter(InvisibleCharacterPropertiesTest::naiveHidden);
    return Arbitraries.oneOf(named, any);
  }

  @Provide
  Arbitrary<String> toolNames() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_', '-').ofMinLength(1).ofMaxLength(20)
        .list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
  }

  @Provide
  Arbitrary<String> visibleAscii() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(60)
        .filter(s -> !s.regionMatches(true, 0, "spiffe:", 0, 7));
  }

  @Property(tries = 1000)
  void aHiddenCharacterInsertedAnywhereIsAlwaysRejected(@ForAll("toolNames") String name,
      @ForAll("hiddenCodePoints") int cp, @ForAll("positions") double where) {
    int at = (int) (where * name.length());
    String value = name.substring(0, at) + new String(Character.toChars(cp)) + name.substring(at);
    String hex = String.format(Locale.ROOT, "U+%04X", cp);
    for (Runnable entry : new Runnable[] {
        () -> AgentIdentity.of(value),
        () -> AgentIdentity.of("spiffe://acme.example/" + value),
        () -> ToolRequest.builder(value),
        () -> TaskSpec.builder(AgentIdentity.of("bot")).scopes(value),
        () -> Glob.compile(value)}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, entry::run);
      assertTrue(e.getMessage().contains(hex), e.getMessage());
      assertFalse(e.getMessage().contains(new String(Character.toChars(cp))), hex);
    }
  }

  @Provide
  Arbitrary<Double> positions() {
    return Arbitraries.doubles().between(0, 1);
  }

  @Property(tries = 1000)
  void visibleAsciiNamesAreUnchanged(@ForAll("visibleAscii") String id, @ForAll("toolNames") String tool) {
    assertEquals(id, AgentIdentity.of(id).id());
    if (!id.contains("***")) { // three stars are malformed glob syntax, whatever the characters
      assertEquals(id, Glob.compile(id).pattern());
    }
    assertEquals(tool, ToolRequest.builder(tool).build().tool());
    assertEquals(java.util.List.of(tool), TaskSpec.builder(AgentIdentity.of(id)).scopes(tool).build().scopes());
  }

  @Property(tries = 3000)
  void theImplementationAgreesWithTheNaiveReferenceOnEveryCodePoint(
      @ForAll("codePoints") int cp) {
    String value = "a" + new String(Character.toChars(cp)) + "b";
    boolean rejected;
    try {
      Glob.compile(value);
      rejected = false;
    } catch (IllegalArgumentException e) {
      rejected = true;
    }
    assertEquals(naiveHidden(cp), rejected, String.format(Locale.ROOT, "U+%04X", cp));
  }

  @Provide
  Arbitrary<Integer> codePoints() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 0x3000),
        Arbitraries.integers().between(0, Character.MAX_CODE_POINT))
        .filter(cp -> cp != '*'); // stars are glob syntax, tested in GlobTest
  }
}
