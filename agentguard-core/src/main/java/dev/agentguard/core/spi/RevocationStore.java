package dev.agentguard.core.spi;

import dev.agentguard.Risk;
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
 * <p>Failures fail closed: a lookup that throws makes the guard deny the call with
 * {@code EVALUATION_ERROR}, and a store that reports {@link #isStale()} makes it deny with
 * {@code REVOCATION_UNAVAILABLE} (tools at or above {@link #staleDeniesFrom()}); a revoke method that
 * throws propagates to the caller of {@code AgentGuard.revoke*} (after the guard recorded the
 * attempt), so the caller knows the revocation may not have been stored everywhere.
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
   * the guard denies calls of tools at or above {@link #staleDeniesFrom()} with
   * {@code REVOCATION_UNAVAILABLE}, and counts every task as revoked for {@code isOpen} and token
   * verification: a revocation it cannot see must not let a call through. The in-memory store is
   * never stale. A local read.
   */
  default boolean isStale() {
    return false;
  }

  // ---------------------------------------------------------------- fleet (issue 14)

  /**
   * A counter of the agent's revocations as this store has applied them: it grows (never shrinks)
   * every time a revocation of the agent becomes visible to the lookups. The guard reads it when a
   * task starts and counts the task revoked once the counter has grown past that reading, so an
   * agent revocation never depends on comparing clocks (a task started in the same millisecond, or
   * on a host whose clock is behind, is still covered). Stores that do not count return 0 and the
   * guard falls back to {@link #agentRevokedAtMillis} alone. A local read.
   *
   * @since 0.2.0
   */
  default long agentRevocationCount(String agentId) {
    return 0;
  }

  /**
   * The lowest tool risk a {@linkplain #isStale() stale} view denies: {@link Risk#LOW} (the default)
   * denies every tool; a fleet store may be configured to deny only tools at or above the elevated
   * risk while it cannot confirm its view.
   *
   * @since 0.2.0
   */
  default Risk staleDeniesFrom() {
    return Risk.LOW;
  }

  /**
   * Registers a listener for revocations that arrive from elsewhere (another guard of a fleet, or a
   * resynchronisation), called after they became visible to the lookups, so the guard can record
   * {@code credential.revoked} for them. Revocations made through this store's own revoke methods
   * are not reported. Stores that never receive revocations from elsewhere ignore listeners (the
   * default).
   *
   * @since 0.2.0
   */
  default void addListener(Listener listener) {}

  /**
   * Told about revocations applied from elsewhere. Called on a thread of the store, never a caller's
   * thread; implementations must be quick and must not throw (a throwing listener is logged and
   * skipped). {@code origin} names where the revocation was made (a guard's instance id), never a
   * secret.
   *
   * @since 0.2.0
   */
  interface Listener {
    /** A credential was revoked elsewhere. */
    void credentialRevoked(String credentialId, String origin);

    /** A task was revoked elsewhere. */
    void taskRevoked(String taskId, String origin);

    /** An agent was revoked elsewhere; its counter ({@link #agentRevocationCount}) has grown. */
    void agentRevoked(String agentId, String origin);
  }
}
