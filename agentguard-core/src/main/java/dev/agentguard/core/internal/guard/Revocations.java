package dev.agentguard.core.internal.guard;

import dev.agentguard.CredentialClaims;
import dev.agentguard.core.spi.RevocationStore;

/**
 * How the guard reads a {@link RevocationStore}: for a live task, one volatile read while nothing
 * was revoked since the task was last found clean; for a token from outside, the store's entries.
 * Thread-safe.
 */
final class Revocations {
  private final RevocationStore store;

  Revocations(RevocationStore store) {
    this.store = store;
  }

  RevocationStore store() {
    return store;
  }

  /** Whether the store admits it may be missing revocations. */
  boolean stale() {
    return store.isStale();
  }

  /** The agent's revocation count to remember on a task that starts now (read before it is issued). */
  long agentCountAtStart(String agentId) {
    return store.agentRevocationCount(agentId);
  }

  /**
   * Whether a live task of this guard is revoked: its credential, its id, or its agent after it was
   * issued (by the agent's revocation count having grown since the task started, or, for stores that
   * do not count, by time). The result "clean" is cached on the task for the store version it was
   * found at.
   */
  boolean isRevoked(TaskImpl task) {
    long seen = store.version();
    Long clean = task.cleanRevocationVersion;
    if (clean != null && clean == seen) {
      return false;
    }
    boolean revoked = store.isCredentialRevoked(task.credential().id())
        || store.isTaskRevoked(task.id())
        || store.agentRevocationCount(task.agent().id()) > task.agentRevocationCountAtStart
        || task.issuedAtMillis() < store.agentRevokedAtMillis(task.agent().id());
    if (!revoked) {
      task.cleanRevocationVersion = seen;
    }
    return revoked;
  }

  /**
   * Whether verified claims from a token are revoked. Tokens of live tasks are judged by the task;
   * for others an agent revocation covers every token issued at or before the revocation's second.
   */
  boolean isRevoked(CredentialClaims claims, TaskImpl liveTask) {
    if (liveTask != null && liveTask.credential().id().equals(claims.credentialId())) {
      return liveTask.isClosed() || store.isStale() || isRevoked(liveTask);
    }
    if (store.isStale() || store.isCredentialRevoked(claims.credentialId()) || store.isTaskRevoked(claims.taskId())) {
      return true;
    }
    long revokedAt = store.agentRevokedAtMillis(claims.subject());
    return revokedAt != Long.MIN_VALUE && claims.issuedAt() != null
        && claims.issuedAt().getEpochSecond() <= Math.floorDiv(revokedAt, 1000);
  }
}
