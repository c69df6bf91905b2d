package dev.agentguard.core.internal.secret;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.SecretLease;
import java.util.List;
import java.util.Map;

/**
 * The ledger's link to the guard's audit trail: {@code secret.issued}, {@code secret.revoked} and
 * {@code secret.revoke_failed} in the task's chain, naming the secret, the broker kind, the lease id,
 * the principal and the expiry, never the material. Implemented by the guard. Thread-safe.
 */
public interface LeaseAudit {
  /** A record of {@code type} that names the task (agent, principal, task, credential). */
  AuditEvent.Builder forTask(String type, AgentTask task);

  /** Hands a record to the audit trail. */
  void record(AuditEvent.Builder event);

  /** The attributes every secret record carries. */
  static Map<String, Object> attributes(String secret, String brokerKind, SecretLease lease) {
    return Map.of("secret", secret, "secret.broker", brokerKind, "lease.id", lease.id(),
        "lease.principal", lease.principal(), "lease.expiresAt", lease.expiresAt().toString());
  }

  /** Records one event about a lease. */
  default void lease(String type, AgentTask task, String tool, String secret, String brokerKind, SecretLease lease,
      String reason, String error) {
    AuditEvent.Builder b = forTask(type, task).attributes(attributes(secret, brokerKind, lease));
    if (tool != null) {
      b.tool(tool);
    }
    if (reason != null) {
      b.reasons(List.of(reason));
    }
    if (error != null) {
      b.error(error);
    }
    record(b);
  }
}
