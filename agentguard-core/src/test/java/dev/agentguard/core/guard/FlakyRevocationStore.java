package dev.agentguard.core.guard;

import dev.agentguard.core.spi.RevocationStore;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RevocationStore} over the in-memory one that counts credential lookups and can be made
 * to report a stale view or to throw, as a fleet replica might.
 */
public final class FlakyRevocationStore implements RevocationStore {
  /** The store that holds the revocations. */
  public final RevocationStore inner = RevocationStore.inMemory(Clock.systemUTC());
  /** Credential lookups so far. */
  public final AtomicInteger lookups = new AtomicInteger();
  /** While set, {@link #isStale()} is true. */
  public final AtomicBoolean stale = new AtomicBoolean();
  /** What {@link #staleDeniesFrom()} answers (set before the guard or step is built). */
  public volatile dev.agentguard.Risk staleDeniesFrom = dev.agentguard.Risk.LOW;
  /** While set, lookups throw and the version changes on every call. */
  public final AtomicBoolean throwing = new AtomicBoolean();

  @Override
  public void revokeCredential(String credentialId, long keepUntilMillis) {
    inner.revokeCredential(credentialId, keepUntilMillis);
  }

  @Override
  public void revokeTask(String taskId, long keepUntilMillis) {
    inner.revokeTask(taskId, keepUntilMillis);
  }

  @Override
  public void revokeAgent(String agentId, long revokedAtMillis, long keepUntilMillis) {
    inner.revokeAgent(agentId, revokedAtMillis, keepUntilMillis);
  }

  @Override
  public boolean isCredentialRevoked(String credentialId) {
    if (throwing.get()) {
      throw new IllegalStateException("replica down");
    }
    lookups.incrementAndGet();
    return inner.isCredentialRevoked(credentialId);
  }

  @Override
  public boolean isTaskRevoked(String taskId) {
    return inner.isTaskRevoked(taskId);
  }

  @Override
  public long agentRevokedAtMillis(String agentId) {
    return inner.agentRevokedAtMillis(agentId);
  }

  @Override
  public long version() {
    return throwing.get() ? System.nanoTime() : inner.version();
  }

  @Override
  public dev.agentguard.Risk staleDeniesFrom() {
    return staleDeniesFrom;
  }

  @Override
  public boolean isStale() {
    return stale.get();
  }
}
