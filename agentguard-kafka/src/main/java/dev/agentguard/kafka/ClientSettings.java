package dev.agentguard.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kafka client settings a builder collects: the user's own (security, timeouts, ...) and the
 * ones AgentGuard fixes. Never prints a value: settings carry SASL passwords and key-store secrets.
 * Not thread-safe (builders own one).
 *
 * @since 0.2.0
 */
final class ClientSettings {
  private final Map<String, String> values = new TreeMap<>();
  private final Set<String> reserved;
  private final String owner;

  /**
   * @param reserved names the caller may not set (AgentGuard sets them), lower case
   * @param owner the builder named in error messages, e.g. {@code "KafkaAuditSink"}
   */
  ClientSettings(Set<String> reserved, String owner) {
    this.reserved = reserved;
    this.owner = owner;
  }

  /**
   * Sets one client property.
   *
   * @throws IllegalArgumentException if AgentGuard fixes this property, naming why
   * @throws NullPointerException if an argument is null
   */
  void put(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value of " + name);
    String n = name.trim();
    if (reserved.contains(n.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(owner + " sets the Kafka client property '" + n + "' itself "
          + "(it is what keeps the audit chain ordered and durable); remove it from the settings");
    }
    values.put(n, value);
  }

  /** Whether the caller set {@code name}. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The caller's settings and then {@code fixed} (which win), as client properties. */
  Properties toProperties(Map<String, Object> fixed) {
    Properties p = new Properties();
    p.putAll(values);
    p.putAll(fixed);
    return p;
  }

  /** The names the caller set, never their values. */
  @Override
  public String toString() {
    return values.keySet().toString();
  }

  /**
   * {@code d}, checked to be positive (the builders' timeouts).
   *
   * @throws IllegalArgumentException if not positive, naming {@code option}
   * @throws NullPointerException if null
   */
  static Duration positive(Duration d, String option) {
    Objects.requireNonNull(d, option);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + " must be positive, was " + d);
    }
    return d;
  }

  /** Milliseconds of a positive duration as a client property value. */
  static String millis(Duration d) {
    return Long.toString(Math.max(1, d.toMillis()));
  }
}
