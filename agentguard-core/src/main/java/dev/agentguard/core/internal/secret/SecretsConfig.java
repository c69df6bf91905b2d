package dev.agentguard.core.internal.secret;

import dev.agentguard.SecretBroker;
import dev.agentguard.core.internal.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The guard's secret settings: brokers by secret name, the secrets tools guarded without
 * annotations use (tool name to secret names), how long an issue may take, and how revoke retries
 * back off.
 *
 * @param brokers brokers by the secret name tools declare; empty when the feature is off
 * @param toolSecrets secrets of tools guarded without {@code @AgentTool} ({@code guard.call}, adapters)
 * @param issueTimeout how long a call waits for a broker to issue before it is denied
 * @param retryBackoff the first delay before a failed revoke is retried (doubled up to {@link #MAX_BACKOFF})
 * @param sweepInterval how often leases of tasks that expired or were revoked elsewhere are revoked
 * @since 0.2.0
 */
public record SecretsConfig(Map<String, SecretBroker> brokers, Map<String, Set<String>> toolSecrets,
    Duration issueTimeout, Duration retryBackoff, Duration sweepInterval) {
  /** Longest delay between two revoke attempts. */
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  /** No brokers: the feature is off and costs nothing. */
  public static final SecretsConfig NONE = new SecretsConfig(Map.of(), Map.of(), Duration.ofSeconds(5),
      Duration.ofSeconds(1), Duration.ofSeconds(15));

  /** Copies the maps and checks that every mapped secret has a broker. */
  public SecretsConfig {
    brokers = Map.copyOf(brokers);
    Map<String, Set<String>> copy = new java.util.HashMap<>();
    toolSecrets.forEach((tool, names) -> copy.put(tool, Set.copyOf(names)));
    toolSecrets = Map.copyOf(copy);
    Settings.positive(issueTimeout, "secretIssueTimeout");
    Settings.positive(retryBackoff, "secret revoke retry backoff");
    Settings.positive(sweepInterval, "secret sweep interval");
    for (Map.Entry<String, Set<String>> e : toolSecrets.entrySet()) {
      for (String name : e.getValue()) {
        requireBroker(brokers, e.getKey(), name);
      }
    }
  }

  /**
   * Fails unless a broker is configured for {@code secret}.
   *
   * @throws IllegalArgumentException naming the tool, the secret and the fix
   */
  static void requireBroker(Map<String, SecretBroker> brokers, String tool, String secret) {
    Objects.requireNonNull(secret, "secret");
    if (!brokers.containsKey(secret)) {
      throw new IllegalArgumentException("tool " + tool + " declares secret '" + secret + "' but the guard has no "
          + "broker for it; configure one with AgentGuard.builder().secretBroker(\"" + secret + "\", broker)"
          + (brokers.isEmpty() ? "" : " (configured: " + new java.util.TreeSet<>(brokers.keySet()) + ")"));
    }
  }
}
