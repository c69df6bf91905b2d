package dev.agentguard.core.internal.guard;

import dev.agentguard.CredentialClaims;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Revoked credentials, tasks and agents. Entries are kept only until every credential they can
 * affect has expired (plus the verification leeway), so memory is bounded by credential lifetimes.
 *
 * <p>Per-call cost: one volatile read when nothing was revoked since the task was last checked; the
 * epoch is bumped after each revocation is stored, so a check that starts after a revocation
 * returned always looks it up.
 */
final class RevocationRegistry {
  private static final int SWEEP_THRESHOLD = 1024;

  private final Map<String, Long> credentials = new ConcurrentHashMap<>();
  private final Map<String, Long> tasks = new ConcurrentHashMap<>();
  private final Map<String, AgentRevocation> agents = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();

  /** Everything issued to the agent up to {@code maxIssueSeq} / {@code revokedAtSecond} is revoked until {@code keepUntilMillis}. */
  private record AgentRevocation(long maxIssueSeq, long revokedAtMillis, long keepUntilMillis) {
    AgentRevocation merge(AgentRevocation o) {
      return new AgentRevocation(Math.max(maxIssueSeq, o.maxIssueSeq),
          Math.max(revokedAtMillis, o.revokedAtMillis), Math.max(keepUntilMillis, o.keepUntilMillis));
    }
  }

  void revokeCredential(String credentialId, long keepUntilMillis, long nowMillis) {
    credentials.merge(credentialId, keepUntilMillis, Math::max);
    published(nowMillis);
  }

  void revokeTask(String taskId, long keepUntilMillis, long nowMillis) {
    tasks.merge(taskId, keepUntilMillis, Math::max);
    published(nowMillis);
  }

  void revokeAgent(String agentId, long maxIssueSeq, long keepUntilMillis, long nowMillis) {
    agents.merge(agentId, new AgentRevocation(maxIssueSeq, nowMillis, keepUntilMillis), AgentRevocation::merge);
    published(nowMillis);
  }

  private void published(long nowMillis) {
    epoch.incrementAndGet();
    if (credentials.size() + tasks.size() + agents.size() > SWEEP_THRESHOLD) {
      sweep(nowMillis);
    }
  }

  /** Drops entries that can no longer affect an unexpired credential. */
  void sweep(long nowMillis) {
    credentials.values().removeIf(until -> until < nowMillis);
    tasks.values().removeIf(until -> until < nowMillis);
    agents.values().removeIf(r -> r.keepUntilMillis < nowMillis);
  }

  /** Whether a live task of this guard is revoked. */
  boolean isRevoked(TaskImpl task) {
    long seen = epoch.get();
    if (task.cleanRevocationEpoch == seen) {
      return false;
    }
    boolean revoked = credentials.containsKey(task.credential().id())
        || tasks.containsKey(task.id())
        || agentRevoked(task.agent().id(), task.issueSeq());
    if (!revoked) {
      task.cleanRevocationEpoch = seen;
    }
    return revoked;
  }

  private boolean agentRevoked(String agentId, long issueSeq) {
    AgentRevocation r = agents.get(agentId);
    return r != null && issueSeq <= r.maxIssueSeq;
  }

  /**
   * Whether verified claims from a token are revoked. Tokens of live tasks are judged by the task;
   * for others an agent revocation covers every token issued at or before the revocation's second.
   */
  boolean isRevoked(CredentialClaims claims, TaskImpl liveTask) {
    if (liveTask != null && liveTask.credential().id().equals(claims.credentialId())) {
      return liveTask.isClosed() || isRevoked(liveTask);
    }
    if (credentials.containsKey(claims.credentialId()) || tasks.containsKey(claims.taskId())) {
      return true;
    }
    AgentRevocation r = agents.get(claims.subject());
    return r != null && claims.issuedAt() != null
        && claims.issuedAt().getEpochSecond() <= Math.floorDiv(r.revokedAtMillis, 1000);
  }

  int size() {
    return credentials.size() + tasks.size() + agents.size();
  }
}
