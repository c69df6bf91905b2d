package dev.agentguard.internal;

import java.util.Locale;

/**
 * <b>Not API.</b> The one rule for names that policies compare: agent ids, tool names, task scopes
 * and policy globs may not hold characters a reader cannot see or that reorder what they see, so a
 * name cannot look like {@code support-bot} while being something else and dodge a rule written for
 * the visible name.
 *
 * <p>Rejected: controls (Cc), format characters (Cf: zero-width space, soft hyphen, byte order mark,
 * every bidi embedding, override and isolate, tags, ...), unpaired surrogates (Cs), line and paragraph
 * separators, space separators other than U+0020, private-use (Co) and unassigned (Cn) code points,
 * and the other Unicode default-ignorable code points (combining grapheme joiner U+034F, Hangul
 * fillers, Khmer inherent vowels, Mongolian free variation selectors, variation selectors
 * U+FE00..U+FE0F and U+E0100..U+E01EF, the rest of U+E0000..U+E0FFF), plus the blank Braille pattern
 * U+2800. Whether U+0020 itself is allowed is the caller's rule.
 *
 * <p>Messages name the code point ({@code U+200B ZERO WIDTH SPACE}) and its index, never the
 * character itself. Stateless and thread-safe.
 *
 * @since 0.2.0
 */
public final class VisibleText {
  private VisibleText() {}

  /**
   * Checks that {@code value} holds only visible characters (see the class description).
   *
   * @param value the text to check
   * @param what what the text is, for the message, e.g. {@code "agent id"}
   * @return {@code value}
   * @throws IllegalArgumentException naming the first hidden code point and its index (a
   *     {@code String} index)
   * @throws NullPointerException if {@code value} is null
   */
  public static String requireVisible(String value, String what) {
    for (int i = 0; i < value.length(); ) {
      char c = value.charAt(i);
      if (c > 0x20 && c < 0x7F) { // visible ASCII: the common case, no table lookup
        i++;
        continue;
      }
      int cp = value.codePointAt(i);
      if (isHidden(cp)) {
        throw new IllegalArgumentException(what + " contains " + describe(cp) + " at index " + i
            + ", an invisible, bidi or format character; only visible characters are allowed");
      }
      i += Character.charCount(cp);
    }
    return value;
  }

  /**
   * Whether a code point is one {@link #requireVisible} rejects.
   *
   * @param cp the code point
   * @return true when it is hidden, reorders text or is not a character at all
   */
  public static boolean isHidden(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
        return true;
      case Character.SPACE_SEPARATOR:
        return cp != ' ';
      default:
        return isOtherDefaultIgnorable(cp);
    }
  }

  /** Default_Ignorable_Code_Point members that are not Cf/Cn, and the blank Braille pattern. */
  private static boolean isOtherDefaultIgnorable(int cp) {
    return cp == 0x034F                      // COMBINING GRAPHEME JOINER
        || cp == 0x115F || cp == 0x1160      // HANGUL CHOSEONG/JUNGSEONG FILLER
        || cp == 0x17B4 || cp == 0x17B5      // KHMER VOWEL INHERENT AQ/AA
        || (cp >= 0x180B && cp <= 0x180F)    // MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
        || cp == 0x2800                      // BRAILLE PATTERN BLANK
        || cp == 0x3164 || cp == 0xFFA0      // HANGUL FILLER, HALFWIDTH HANGUL FILLER
        || (cp >= 0xFE00 && cp <= 0xFE0F)    // VARIATION SELECTORS
        || (cp >= 0xE0000 && cp <= 0xE0FFF); // TAGS, VARIATION SELECTORS SUPPLEMENT, reserved
  }

  private static String describe(int cp) {
    String hex = String.format(Locale.ROOT, "U+%04X", cp);
    String name = Character.isValidCodePoint(cp) ? Character.getName(cp) : null;
    return name == null ? hex : hex + " " + name;
  }
}
