package dev.agentguard.core.internal.secret;

import dev.agentguard.AgentTask;
import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretBroker;
import dev.agentguard.SecretLease;
import java.util.concurrent.CompletableFuture;

/**
 * One task's lease of one secret, from the moment its issue was started: the broker's future, then
 * the lease, then its end. Guarded by the monitor of its {@link TaskLeases}; {@link #issued} completes
 * on a broker thread.
 */
final class Lease {
  final TaskLeases owner;
  final AgentTask task;
  final String secret;
  final String tool;
  final SecretBroker broker;
  final LeaseRequest request;
  final CompletableFuture<SecretLease> issued = new CompletableFuture<>();
  /** The issued lease once accepted; null before, and after it was refused. */
  SecretLease lease;
  /** Set once nobody may get this lease any more (task ended, issue timed out, revoked). */
  boolean ended;

  Lease(TaskLeases owner, String secret, String tool, SecretBroker broker, LeaseRequest request) {
    this.owner = owner;
    this.task = owner.task;
    this.secret = secret;
    this.tool = tool;
    this.broker = broker;
    this.request = request;
  }

  @Override
  public String toString() {
    return "Lease{" + secret + ", task=" + task.id() + ", lease=" + lease + "}";
  }
}
