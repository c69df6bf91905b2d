package dev.agentguard.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 and lowercase hex, the one place the library computes them (policy versions, audit
 * chain hashes, digests of redacted values, bundle versions, thumbprints).
 *
 * <p>Thread-safe: every call uses its own {@link MessageDigest}.
 *
 * @since 0.2.0
 */
public final class Hashing {
  private static final HexFormat HEX = HexFormat.of();

  private Hashing() {}

  /** A new SHA-256 digest (every JDK has it; its absence is a broken JVM, not a user error). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** SHA-256 of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    return sha256().digest(bytes);
  }

  /** SHA-256 of the UTF-8 bytes of {@code text}. */
  public static byte[] sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lowercase hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** {@code "sha256:" + hex(SHA-256(bytes))}: the form versions and digests take on the wire. */
  public static String sha256Tagged(byte[] bytes) {
    return "sha256:" + hex(sha256(bytes));
  }

  /** {@code "sha256:" + hex(SHA-256(UTF-8(text)))}. */
  public static String sha256Tagged(String text) {
    return sha256Tagged(text.getBytes(StandardCharsets.UTF_8));
  }
}
