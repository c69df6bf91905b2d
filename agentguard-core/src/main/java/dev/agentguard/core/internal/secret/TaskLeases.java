package dev.agentguard.core.internal.secret;

import dev.agentguard.AgentTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leases of one task by secret name. Every field is guarded by this object's monitor.
 */
final class TaskLeases {
  final AgentTask task;
  private final Map<String, Lease> bySecret = new HashMap<>();
  private boolean ended;

  TaskLeases(AgentTask task) {
    this.task = task;
  }

  /** The task's lease of {@code secret}, or null; null too once the task ended. */
  synchronized Lease get(String secret) {
    return ended ? null : bySecret.get(secret);
  }

  /**
   * The live lease of {@code secret}, or a new one made by {@code make} and kept; null once the task ended.
   */
  synchronized Lease getOrAdd(String secret, java.util.function.Supplier<Lease> make, boolean[] added) {
    if (ended) {
      return null;
    }
    Lease l = bySecret.get(secret);
    if (l == null || l.ended) {
      l = make.get();
      bySecret.put(secret, l);
      added[0] = true;
    }
    return l;
  }

  /** Forgets {@code lease} if it is still the task's lease of its secret, and marks it ended. */
  synchronized void drop(Lease lease) {
    lease.ended = true;
    bySecret.remove(lease.secret, lease);
  }

  /** Ends the task: marks every lease ended and returns them; empty on a second call. */
  synchronized List<Lease> end() {
    if (ended) {
      return List.of();
    }
    ended = true;
    List<Lease> all = new ArrayList<>(bySecret.values());
    for (Lease l : all) {
      l.ended = true;
    }
    bySecret.clear();
    return all;
  }

  synchronized boolean ended() {
    return ended;
  }
}
