package dev.agentguard.core.internal;

import java.util.Base64;

/**
 * Canonical base64url (RFC 4648 section 5, no padding) as RFC 7515 requires: only the alphabet
 * {@code A-Z a-z 0-9 - _}, no padding, no whitespace, and the unused trailing bits of the last
 * character must be zero. Every string has at most one accepted decoding.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class Base64Url {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Base64Url() {}

  /**
   * Encodes without padding.
   *
   * @param bytes the bytes to encode
   * @return the base64url text
   */
  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /**
   * Whether every character of {@code s} in {@code [from, to)} is in the base64url alphabet.
   *
   * @param s the text
   * @param from first index, inclusive
   * @param to last index, exclusive
   * @return true when only alphabet characters occur
   */
  public static boolean isAlphabet(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes canonical base64url text.
   *
   * @param s the text
   * @return the bytes, or {@code null} when {@code s} is not canonical base64url (wrong alphabet,
   *     padding, impossible length, or non-zero unused trailing bits)
   */
  public static byte[] decodeCanonical(String s) {
    if (s == null || s.length() % 4 == 1 || !isAlphabet(s, 0, s.length())) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    // Re-encoding must give the same text: this rejects non-zero unused bits in the last char.
    return ENCODER.encodeToString(bytes).equals(s) ? bytes : null;
  }
}
