package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.CredentialClaims;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.spi.RevocationStore;
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
    revocations.store().addListener(fleetListener());
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

  /**
   * Revokes the credential of a task being closed (or never started), without an extra record. A
   * store that throws is logged, not propagated: the task is closed either way (its closed flag
   * already denies every call and token check here), and closing must still finish its records.
   */
  void revokeClosed(TaskImpl task) {
    try {
      revocations.store().revokeCredential(task.credential().id(), keepUntil(task));
    } catch (RuntimeException e) {
      LOG.warn("the revocation store did not confirm the credential of closed task {}: {}", task.id(),
          e.getClass().getSimpleName());
    }
  }

  void revokeCredential(String credentialId) {
    TaskImpl task = liveTaskWithCredential(credentialId);
    long keepUntil = task != null ? keepUntil(task) : keepUntilAnyExpired();
    stored(() -> revocations.store().revokeCredential(credentialId, keepUntil),
        reason -> record(task, credentialId, "revoked by credential id" + reason));
  }

  void revokeTask(String taskId) {
    TaskImpl task = liveTasks.get(taskId);
    long keepUntil = task != null ? keepUntil(task) : keepUntilAnyExpired();
    stored(() -> revocations.store().revokeTask(taskId, keepUntil),
        reason -> record(task, null, "revoked by task id" + reason));
  }

  /**
   * Revokes an agent: the agent entry (which makes every task of the agent that started before it
   * revoked, by the store's revocation count, even one started in the same millisecond), and the
   * tasks of this guard by id.
   */
  void revokeAgent(String agentId) {
    RuntimeException failure = null;
    try {
      revocations.store().revokeAgent(agentId, clock.millis(), keepUntilAnyExpired());
    } catch (RuntimeException e) {
      failure = e;
    }
    List<TaskImpl> affected = new ArrayList<>();
    for (TaskImpl t : liveTasks.values()) {
      if (t.agent().id().equals(agentId)) {
        affected.add(t);
        try {
          revocations.store().revokeTask(t.id(), keepUntil(t));
        } catch (RuntimeException e) {
          failure = failure != null ? failure : e;
        }
      }
    }
    String reason = "revoked by agent id" + notConfirmed(failure);
    if (affected.isEmpty()) {
      audit.record(AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).agent(agentId).reasons(List.of(reason)));
    }
    for (TaskImpl t : affected) {
      record(t, null, reason);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Records {@code credential.revoked} for revocations the store applied from elsewhere (another
   * guard of the fleet): the tasks of this guard they hit, or the bare id when none is live here.
   */
  RevocationStore.Listener fleetListener() {
    return new RevocationStore.Listener() {
      @Override
      public void credentialRevoked(String credentialId, String origin) {
        record(liveTaskWithCredential(credentialId), credentialId, "revoked by credential id on " + origin);
      }

      @Override
      public void taskRevoked(String taskId, String origin) {
        TaskImpl task = liveTasks.get(taskId);
        AuditEvent.Builder b = task != null ? AuditRecords.forTask(AuditEvent.CREDENTIAL_REVOKED, task)
            : AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).task(taskId);
        audit.record(b.reasons(List.of("revoked by task id on " + origin)));
      }

      @Override
      public void agentRevoked(String agentId, String origin) {
        long count = revocations.store().agentRevocationCount(agentId);
        boolean any = false;
        for (TaskImpl t : liveTasks.values()) {
          if (t.agent().id().equals(agentId) && t.agentRevocationCountAtStart < count) {
            any = true;
            record(t, null, "revoked by agent id on " + origin);
          }
        }
        if (!any) {
          audit.record(AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).agent(agentId)
              .reasons(List.of("revoked by agent id on " + origin)));
        }
      }
    };
  }

  /** Stores a revocation and records it; a store that throws is recorded as such and rethrown. */
  private static void stored(Runnable store, java.util.function.Consumer<String> record) {
    try {
      store.run();
    } catch (RuntimeException e) {
      record.accept(notConfirmed(e));
      throw e;
    }
    record.accept("");
  }

  /** The reason suffix of a revocation the store did not confirm (the exception type only: no secrets). */
  private static String notConfirmed(RuntimeException failure) {
    return failure == null ? "" : "; the revocation store did not confirm it (" + failure.getClass().getSimpleName() + ")";
  }

  private TaskImpl liveTaskWithCredential(String credentialId) {
    return liveTasks.values().stream()
        .filter(t -> t.credential().id().equals(credentialId)).findFirst().orElse(null);
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
