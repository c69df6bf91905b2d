package dev.agentguard.core.internal.guard;

import dev.agentguard.core.spi.RevocationStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory {@link RevocationStore}, the guard's default. Entries are kept only until every
 * credential they can affect has expired (plus the verification leeway), so memory is bounded by
 * credential lifetimes: once more than a thousand entries are held, expired ones are swept on the
 * next revocation.
 *
 * <p>The version is bumped after each revocation is stored, so a check that starts after a
 * revocation returned always looks it up. Thread-safe.
 *
 * @since 0.2.0
 */
public final class RevocationRegistry implements RevocationStore {
  private static final int SWEEP_THRESHOLD = 1024;

  private final Clock clock;
  private final Map<String, Long> credentials = new ConcurrentHashMap<>();
  private final Map<String, Long> tasks = new ConcurrentHashMap<>();
  private final Map<String, AgentRevocation> agents = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong agentSeq = new AtomicLong();

  /**
   * The latest revocation of one agent, how long it must be kept, and its number in this registry's
   * sequence of agent revocations (one sequence for all agents, so it keeps growing for an agent
   * even after its entry was swept and it is revoked again).
   */
  private record AgentRevocation(long revokedAtMillis, long keepUntilMillis, long seq) {
    AgentRevocation merge(AgentRevocation o) {
      return new AgentRevocation(Math.max(revokedAtMillis, o.revokedAtMillis),
          Math.max(keepUntilMillis, o.keepUntilMillis), Math.max(seq, o.seq));
    }
  }

  /** A registry that sweeps at {@code clock}'s time. */
  public RevocationRegistry(Clock clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void revokeCredential(String credentialId, long keepUntilMillis) {
    credentials.merge(credentialId, keepUntilMillis, Math::max);
    published();
  }

  @Override
  public void revokeTask(String taskId, long keepUntilMillis) {
    tasks.merge(taskId, keepUntilMillis, Math::max);
    published();
  }

  @Override
  public void revokeAgent(String agentId, long revokedAtMillis, long keepUntilMillis) {
    agents.merge(agentId, new AgentRevocation(revokedAtMillis, keepUntilMillis, agentSeq.incrementAndGet()),
        AgentRevocation::merge);
    published();
  }

  private void published() {
    version.incrementAndGet();
    if (size() > SWEEP_THRESHOLD) {
      sweep(clock.millis());
    }
  }

  /** Drops entries that can no longer affect an unexpired credential. */
  void sweep(long nowMillis) {
    credentials.values().removeIf(until -> until < nowMillis);
    tasks.values().removeIf(until -> until < nowMillis);
    agents.values().removeIf(r -> r.keepUntilMillis < nowMillis);
  }

  @Override
  public boolean isCredentialRevoked(String credentialId) {
    return credentials.containsKey(credentialId);
  }

  @Override
  public boolean isTaskRevoked(String taskId) {
    return tasks.containsKey(taskId);
  }

  @Override
  public long agentRevokedAtMillis(String agentId) {
    AgentRevocation r = agents.get(agentId);
    return r == null ? Long.MIN_VALUE : r.revokedAtMillis;
  }

  /** The sequence number of the agent's latest revocation, 0 when none is held. */
  @Override
  public long agentRevocationCount(String agentId) {
    AgentRevocation r = agents.get(agentId);
    return r == null ? 0 : r.seq;
  }

  @Override
  public long version() {
    return version.get();
  }

  int size() {
    return credentials.size() + tasks.size() + agents.size();
  }
}
