package dev.agentguard.core.spi;

import dev.agentguard.core.internal.guard.RevocationRegistry;
import java.time.Clock;

/**
 * Where a guard keeps revoked credentials, tasks and agents. The guard asks it on every call, so
 * lookups must stay local reads (a fleet-wide store keeps a local replica and updates it in the
 * background); writes may be remote.
 *
 * <p>An entry needs to be kept only until {@code keepUntilMillis}: by then every credential it can
 * affect has expired (plus the verification leeway). Times are epoch milliseconds of the guard's
 * clock.
 *
 * <p>Failures fail closed: a lookup that throws, or a store that reports {@link #isStale()}, makes
 * the guard deny the call with {@code EVALUATION_ERROR}; a revoke method that throws propagates to the
 * caller of {@code AgentGuard.revoke*}, so the caller knows the revocation may not have been stored.
 *
 * <p>Implementations must be thread-safe: every calling thread uses one instance concurrently.
 *
 * @since 0.2.0
 */
public interface RevocationStore {
  /** The default: revocations in this JVM's memory, swept at {@code clock} once their entries expired. */
  static RevocationStore inMemory(Clock clock) {
    return new RevocationRegistry(clock);
  }

  /** Revokes one credential until {@code keepUntilMillis}. Idempotent; the later keep-until wins. */
  void revokeCredential(String credentialId, long keepUntilMillis);

  /** Revokes every credential of one task until {@code keepUntilMillis}. Idempotent. */
  void revokeTask(String taskId, long keepUntilMillis);

  /**
   * Revokes every credential issued to an agent before {@code revokedAtMillis} (tokens whose
   * second-precision issue time is at or before that second), until {@code keepUntilMillis}.
   * Repeated calls keep the latest revocation time.
   */
  void revokeAgent(String agentId, long revokedAtMillis, long keepUntilMillis);

  /** Whether a credential id was revoked. A local read. */
  boolean isCredentialRevoked(String credentialId);

  /** Whether a task id was revoked. A local read. */
  boolean isTaskRevoked(String taskId);

  /** When the agent was last revoked, or {@link Long#MIN_VALUE} when it never was. A local read. */
  long agentRevokedAtMillis(String agentId);

  /**
   * A number that changes after every revocation becomes visible to the lookups (never before), so
   * the guard may skip the lookups for a task it found unrevoked at the same version. A store that
   * cannot say returns a different number on every call.
   */
  long version();

  /**
   * Whether this store's view may be missing revocations (a replica that lost its feed). While true
   * the guard denies every call: a revocation it cannot see must not let a call through. The
   * in-memory store is never stale.
   */
  default boolean isStale() {
    return false;
  }
}
