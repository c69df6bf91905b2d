package dev.agentguard.core.internal.secret;

import dev.agentguard.AgentTask;
import dev.agentguard.SecretLease;
import dev.agentguard.SecretUnavailableException;
import dev.agentguard.ToolCall;
import java.util.Set;

/**
 * The {@link ToolCall} bound while an allowed tool body runs. It hands out leases only until its
 * call returns: a reference the body kept (in a field, or passed to a thread it started) answers
 * nothing afterwards, even while the task is still open. Thread-safe; its answers follow the ledger.
 */
final class BoundCall implements ToolCall {
  private final LeaseLedger ledger;
  private final AgentTask task;
  private final String tool;
  private final Set<String> declared;
  private volatile boolean ended;

  BoundCall(LeaseLedger ledger, AgentTask task, String tool, Set<String> declared) {
    this.ledger = ledger;
    this.task = task;
    this.tool = tool;
    this.declared = declared;
  }

  @Override
  public String tool() {
    return tool;
  }

  @Override
  public String taskId() {
    return task.id();
  }

  /** The call returned (or threw): from now on this handle gives out no lease. */
  void end() {
    ended = true;
  }

  @Override
  public SecretLease secret(String name) {
    if (ended) {
      throw new SecretUnavailableException("the call of tool " + tool + " has ended: a ToolCall gives out"
          + " its leases only while its call runs; read ToolCall.current() inside the tool body");
    }
    if (name == null || !declared.contains(name)) {
      throw new SecretUnavailableException("tool " + tool + " does not declare secret '" + name + "'"
          + (declared.isEmpty() ? "" : " (it declares " + new java.util.TreeSet<>(declared) + ")")
          + "; declare it with @AgentTool(secrets = ...) or AgentGuard.Builder.toolSecrets");
    }
    SecretLease lease = ledger.live(task, name);
    if (lease == null) {
      throw new SecretUnavailableException("the lease of secret '" + name + "' for task " + task.id()
          + " is no longer valid: the task was closed, revoked or expired");
    }
    return lease;
  }

  @Override
  public String toString() {
    return "ToolCall{" + tool + ", task=" + task.id() + "}";
  }
}
