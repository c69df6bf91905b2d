package dev.agentguard.core.internal.jose;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * JWT NumericDate (RFC 7519 section 2) as AgentGuard reads and writes it: whole seconds in
 * {@code [0, 253402300799]} (up to 9999-12-31T23:59:59Z), written and accepted as JSON integers
 * only — no strings, fractions, exponents or values beyond {@code long}. Stateless and thread-safe.
 *
 * @since 0.2.0
 */
public final class NumericDate {
  /** Largest NumericDate accepted or issued: 9999-12-31T23:59:59Z. */
  public static final long MAX = 253_402_300_799L;

  private NumericDate() {}

  /**
   * Reads a claim value.
   *
   * @param value the JSON value of the claim (not null)
   * @return the seconds
   * @throws IllegalArgumentException {@code "is not an integral NumericDate"} or
   *     {@code "is outside [0, 253402300799]"}; callers prefix the claim name
   */
  public static long seconds(JsonNode value) {
    if (!value.isIntegralNumber()) {
      throw new IllegalArgumentException("is not an integral NumericDate");
    }
    if (!value.canConvertToLong() || value.longValue() < 0 || value.longValue() > MAX) {
      throw new IllegalArgumentException("is outside [0, " + MAX + "]");
    }
    return value.longValue();
  }

  /**
   * The NumericDate of an instant, truncated to the second.
   *
   * @param name the claim or argument name, for the message
   * @throws IllegalArgumentException naming it when the instant lies outside the range
   */
  public static long of(Instant t, String name) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds > MAX) {
      throw new IllegalArgumentException(name + " " + t + " is outside the NumericDate range");
    }
    return seconds;
  }
}
