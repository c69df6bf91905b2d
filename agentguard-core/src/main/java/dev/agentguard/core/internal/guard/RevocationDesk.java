package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.CredentialClaims;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's revocation front: writes revocations to the store with how long they must be kept,
 * records them in the audit trail, and answers "is it revoked" outside the request path (task
 * {@code isOpen}, token verification) with the same fail-closed rule as the revocation step: a
 * store that is stale or throws counts as revoked. Thread-safe.
 */
final class RevocationDesk {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationDesk.class);

  private final Revocations revocations;
  private final AuditPipeline audit;
  private final Clock clock;
  private final long keepLeewayMillis;
  private final long maxTtlMillis;
  private final Map<String, TaskImpl> liveTasks;

  RevocationDesk(Revocations revocations, AuditPipeline audit, Clock clock, Duration leeway, Duration maxTtl,
      Map<String, TaskImpl> liveTasks) {
    this.revocations = revocations;
    this.audit = audit;
    this.clock = clock;
    this.keepLeewayMillis = leeway.toMillis();
    this.maxTtlMillis = maxTtl.toMillis();
    this.liveTasks = liveTasks;
  }

  /** Whether the task is revoked; a store that is stale or throws counts as revoked. */
  boolean isRevoked(TaskImpl task) {
    try {
      return revocations.stale() || revocations.isRevoked(task);
    } catch (RuntimeException e) {
      LOG.warn("revocation lookup failed; treating task {} as revoked: {}", task.id(), e.toString());
      return true;
    }
  }

  /** Whether verified claims are revoked; a store that throws counts as revoked. */
  boolean isRevoked(CredentialClaims claims) {
    try {
      return revocations.isRevoked(claims, liveTasks.get(claims.taskId()));
    } catch (RuntimeException e) {
      LOG.warn("revocation lookup failed; treating credential {} as revoked: {}", claims.credentialId(), e.toString());
      return true;
    }
  }

  /** Revokes the credential of a task being closed (or never started), without an extra record. */
  void revokeClosed(TaskImpl task) {
    revocations.store().revokeCredential(task.credential().id(), keepUntil(task));
  }

  void revokeCredential(String credentialId) {
    TaskImpl task = liveTasks.values().stream()
        .filter(t -> t.credential().id().equals(credentialId)).findFirst().orElse(null);
    revocations.store().revokeCredential(credentialId, task != null ? keepUntil(task) : keepUntilAnyExpired());
    record(task, credentialId, "revoked by credential id");
  }

  void revokeTask(String taskId) {
    TaskImpl task = liveTasks.get(taskId);
    revocations.store().revokeTask(taskId, task != null ? keepUntil(task) : keepUntilAnyExpired());
    record(task, null, "revoked by task id");
  }

  /**
   * Revokes an agent: tasks of this guard by id (a task started in the same millisecond after this
   * returns stays valid), and the agent entry for credentials issued before now everywhere else.
   */
  void revokeAgent(String agentId) {
    revocations.store().revokeAgent(agentId, clock.millis(), keepUntilAnyExpired());
    List<TaskImpl> affected = new ArrayList<>();
    for (TaskImpl t : liveTasks.values()) {
      if (t.agent().id().equals(agentId)) {
        affected.add(t);
        revocations.store().revokeTask(t.id(), keepUntil(t));
      }
    }
    if (affected.isEmpty()) {
      audit.record(AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).agent(agentId)
          .reasons(List.of("revoked by agent id")));
    }
    for (TaskImpl t : affected) {
      record(t, null, "revoked by agent id");
    }
  }

  /** Revocation entries live until the credentials they cover expired, plus the verification leeway. */
  private long keepUntil(TaskImpl task) {
    return task.expiresAtMillis() + keepLeewayMillis;
  }

  /** How long a revocation of something this guard holds no live task for must be kept. */
  private long keepUntilAnyExpired() {
    return clock.millis() + maxTtlMillis + keepLeewayMillis;
  }

  private void record(TaskImpl task, String credentialId, String reason) {
    AuditEvent.Builder b = task != null ? AuditRecords.forTask(AuditEvent.CREDENTIAL_REVOKED, task)
        : AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).credential(credentialId);
    audit.record(b.reasons(List.of(reason)));
  }
}
