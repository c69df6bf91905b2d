package dev.agentguard.core.internal.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests that stand in the audit trail for values that must never appear there. */
final class Digests {
  private Digests() {}

  /** {@code "sha256:<hex>"} of the UTF-8 form of {@code value} ({@code String.valueOf}; arrays of bytes as bytes). */
  static String of(Object value) {
    byte[] bytes = value instanceof byte[]
        ? (byte[]) value
        : String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
