package dev.agentguard.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Validation shared by every builder of the library, so a misuse reads the same whichever builder
 * it happens in: a setting given twice, a missing value, a duration out of range.
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.2.0
 */
public final class Settings {
  private Settings() {}

  /**
   * Fails when a set-once option already has a value.
   *
   * @throws IllegalStateException {@code "<option> was already set"}
   */
  public static void requireUnset(Object current, String option) {
    if (current != null) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  /**
   * Checks a set-once option: not set before, and the new value not null.
   *
   * @return {@code value}
   * @throws IllegalStateException if the option was already set
   * @throws NullPointerException if {@code value} is null
   */
  public static <T> T setOnce(T current, T value, String option) {
    requireUnset(current, option);
    return Objects.requireNonNull(value, option);
  }

  /**
   * Checks a duration that must be strictly positive.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException {@code "<option> must be positive, got <value>"}
   */
  public static Duration positive(Duration value, String option) {
    Objects.requireNonNull(value, option);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
    return value;
  }

  /**
   * Checks a duration that must lie between {@code min} and {@code max}, both inclusive (a leeway,
   * a timeout).
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException {@code "<option> must be between <min> and <max>, got <value>"}
   */
  public static Duration between(Duration value, Duration min, Duration max, String option) {
    Objects.requireNonNull(value, option);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
