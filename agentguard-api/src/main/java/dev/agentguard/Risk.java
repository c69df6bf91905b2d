package dev.agentguard;

import java.util.Locale;

/**
 * How much harm a tool call can do. Values compare by rank: {@code LOW < MEDIUM < HIGH < CRITICAL}.
 *
 * <p>In policy conditions risks are written in lower case ({@code tool.risk >= 'high'}).
 *
 * @since 0.1.0
 */
public enum Risk {
  /** Reads of public or low-value data. */
  LOW,
  /** The default: ordinary reads and reversible writes. */
  MEDIUM,
  /** Writes, external communication, anything hard to undo. Write-ahead audited by default. */
  HIGH,
  /** Money, credentials, code execution, deletion. Write-ahead audited by default. */
  CRITICAL;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in policies and audit records, e.g. {@code "high"}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name (exactly lower case, no surrounding space).
   *
   * @throws IllegalArgumentException if {@code name} is not one of {@code low, medium, high, critical}
   */
  public static Risk fromWireName(String name) {
    for (Risk r : values()) {
      if (r.wireName.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown risk '" + name + "', expected one of low, medium, high, critical");
  }
}
