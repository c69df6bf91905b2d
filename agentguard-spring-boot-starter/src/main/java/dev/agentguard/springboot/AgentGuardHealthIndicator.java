package dev.agentguard.springboot;

import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of the guard: UP while its audit pipeline is healthy and a policy is loaded,
 * DOWN otherwise, with the pipeline's counters and the policy version as details (never a
 * credential or an argument value). Thread-safe.
 *
 * @since 0.2.0
 */
public final class AgentGuardHealthIndicator implements HealthIndicator {
  private final AgentGuard guard;

  /** Health of {@code guard}. */
  public AgentGuardHealthIndicator(AgentGuard guard) {
    this.guard = guard;
  }

  @Override
  public Health health() {
    AuditHealth audit = guard.auditHealth();
    String policy = guard.policyVersion().orElse(null);
    Health.Builder h = audit.healthy() && policy != null ? Health.up() : Health.down();
    h.withDetail("policyVersion", policy == null ? "none" : policy)
        .withDetail("auditHealthy", audit.healthy())
        .withDetail("auditQueued", audit.queued())
        .withDetail("auditWritten", audit.written())
        .withDetail("auditGaps", audit.gaps())
        .withDetail("auditRefused", audit.refused());
    if (audit.failingSink() != null) {
      h.withDetail("failingSink", audit.failingSink());
    }
    return h.build();
  }
}
