package dev.agentguard;

import java.time.Instant;
import java.util.Objects;

/**
 * What the guard asks a {@link SecretBroker} for: a lease of one named secret for one task, valid no
 * later than {@link #notAfter()} (the task credential's expiry). Holds no secret, so a record.
 *
 * @param secret the name the broker is configured under, e.g. {@code orders-db}
 * @param guardInstance the requesting guard's {@code instanceId()}; brokers put it into the principal's
 *     name so leftovers can be traced to their owner
 * @param taskId the task the lease is for
 * @param agentId the agent the task runs as
 * @param notAfter the latest instant the lease may stay valid on the server
 * @since 0.2.0
 */
public record LeaseRequest(String secret, String guardInstance, String taskId, String agentId, Instant notAfter) {
  /** Checks that nothing is null. */
  public LeaseRequest {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(guardInstance, "guardInstance");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(notAfter, "notAfter");
  }
}
