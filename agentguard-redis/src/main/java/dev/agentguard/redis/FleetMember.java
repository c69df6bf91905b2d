package dev.agentguard.redis;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One guard of a fleet as it last registered itself.
 *
 * @param instanceId the guard's {@code AgentGuard.instanceId()}
 * @param host the host name it runs on
 * @param policyVersion the policy version it enforces, empty when it has none loaded
 * @param auditHealth {@code healthy}, {@code failing-sink}, {@code writer-stopped} or {@code closed}
 * @param lastHeartbeat when it last registered, by the Redis server's clock
 * @param outdated whether it runs a policy version other than the fleet's newest (or none)
 * @since 0.2.0
 */
public record FleetMember(String instanceId, String host, Optional<String> policyVersion, String auditHealth,
    Instant lastHeartbeat, boolean outdated) {
  /** Checks that no component is null. */
  public FleetMember {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(policyVersion, "policyVersion");
    Objects.requireNonNull(auditHealth, "auditHealth");
    Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
  }
}
