package dev.agentguard;

import java.nio.CharBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Arrays;
import java.util.Objects;

/**
 * Secret material (a password, a token) held as characters that can be wiped. Its {@link #toString()}
 * never shows the value, {@link #equals} is identity, and no AgentGuard exception message includes
 * it. The guard wipes the material of a lease once the lease is revoked; a tool keeps no copy longer
 * than it needs it.
 *
 * <p>Thread-safe.
 *
 * @since 0.2.0
 */
public final class SecretValue {
  private final char[] chars;
  private volatile boolean wiped;

  private SecretValue(char[] chars) {
    this.chars = chars;
  }

  /**
   * Takes over a copy of {@code material}; the caller should wipe its own array afterwards.
   *
   * @throws NullPointerException if {@code material} is null
   */
  public static SecretValue of(char[] material) {
    return new SecretValue(Objects.requireNonNull(material, "material").clone());
  }

  /**
   * A fresh random password for a broker to issue: {@code bytes} bytes from {@code random},
   * base64url without padding (so only {@code A-Z a-z 0-9 - _}, safe in any connection string).
   *
   * @throws IllegalArgumentException unless {@code bytes} is 16 to 1024
   * @since 0.2.0
   */
  public static SecretValue generate(SecureRandom random, int bytes) {
    if (bytes < 16 || bytes > 1024) {
      throw new IllegalArgumentException("a generated secret needs 16 to 1024 random bytes, got " + bytes);
    }
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(raw);
    char[] chars = new char[encoded.length];
    for (int i = 0; i < encoded.length; i++) {
      chars[i] = (char) encoded[i];
    }
    Arrays.fill(raw, (byte) 0);
    Arrays.fill(encoded, (byte) 0);
    return new SecretValue(chars);
  }

  /**
   * A copy of the material. The caller owns the copy and should {@link Arrays#fill(char[], char) wipe}
   * it after use.
   *
   * @throws IllegalStateException once the value was wiped (its lease was revoked)
   */
  public char[] chars() {
    synchronized (chars) {
      requireLive();
      return chars.clone();
    }
  }

  /**
   * The material as a {@code String}, for APIs that only take one (a JDBC {@code password}
   * property, a client's {@code auth} argument). A string cannot be wiped: prefer {@link #chars()}.
   *
   * @throws IllegalStateException once the value was wiped (its lease was revoked)
   */
  public String reveal() {
    synchronized (chars) {
      requireLive();
      return CharBuffer.wrap(chars).toString();
    }
  }

  /** Overwrites the material with zeros; later reads throw. Idempotent. */
  public void wipe() {
    synchronized (chars) {
      Arrays.fill(chars, '\0');
      wiped = true;
    }
  }

  /** Whether {@link #wipe()} was called. */
  public boolean isWiped() {
    return wiped;
  }

  private void requireLive() {
    if (wiped) {
      throw new IllegalStateException("the secret was wiped: its lease was revoked");
    }
  }

  /** Never the value: {@code SecretValue[redacted]}. */
  @Override
  public String toString() {
    return "SecretValue[redacted]";
  }
}
