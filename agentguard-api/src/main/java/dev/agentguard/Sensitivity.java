package dev.agentguard;

import java.util.Locale;

/**
 * Data sensitivity, ordered by rank: {@code PUBLIC < INTERNAL < CONFIDENTIAL < RESTRICTED}.
 *
 * <p>In policy conditions sensitivities are written in lower case
 * ({@code resource.sensitivity <= 'internal'}).
 *
 * @since 0.1.0
 */
public enum Sensitivity {
  /** May be shown to anyone. */
  PUBLIC,
  /** The default: for the organisation only. */
  INTERNAL,
  /** Customer data, contracts, personal data. */
  CONFIDENTIAL,
  /** Secrets, regulated data. */
  RESTRICTED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in policies and audit records, e.g. {@code "confidential"}. */
  public String wireName() {
    return wireName;
  }

  /** The higher of two sensitivities. */
  public static Sensitivity max(Sensitivity a, Sensitivity b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * Parses a wire name (exactly lower case, no surrounding space).
   *
   * @throws IllegalArgumentException if {@code name} is not a sensitivity
   */
  public static Sensitivity fromWireName(String name) {
    for (Sensitivity s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown sensitivity '" + name + "', expected one of public, internal, confidential, restricted");
  }
}
