package dev.agentguard;

import dev.agentguard.internal.CallScope;

/**
 * The allowed guarded call whose tool body runs on the current thread, for tool code that needs the
 * per-task secrets its tool declared:
 *
 * <pre>{@code
 * @AgentTool(value = "orders.query", action = "read", secrets = {"orders-db"})
 * List<Order> query(@Attr("resource.id") String customer) {
 *   SecretLease db = ToolCall.current().secret("orders-db");
 *   try (Connection c = DriverManager.getConnection(db.details().get("jdbcUrl"), db.principal(),
 *       db.secret().reveal())) { ... }
 * }
 * }</pre>
 *
 * <p>The shape follows {@code Span.current()} (OpenTelemetry) and {@code Context.current()} (gRPC):
 * a thread-bound view of the running call, readable from any depth of the tool's own code without
 * threading a parameter through it. It is bound by a guard that has secret brokers configured, for
 * the duration of an allowed tool body, on the thread that runs it; a nested guarded call binds its
 * own. It is not carried to other threads ({@code AgentTask.wrap} carries the task, not the call), so
 * code on another thread cannot obtain the secrets: obtain the lease first and pass what is needed.
 *
 * @since 0.2.0
 */
public interface ToolCall {
  /** The tool whose body is running. */
  String tool();

  /** The id of the task the call runs in. */
  String taskId();

  /**
   * The task's lease of a secret the tool declares, issued before the body started.
   *
   * @throws SecretUnavailableException if the tool does not declare {@code name}, or the lease was
   *     revoked since (the task was closed, revoked or expired)
   */
  SecretLease secret(String name);

  /**
   * The call running on this thread.
   *
   * @throws SecretUnavailableException if no allowed guarded call of a guard with secret brokers is
   *     running on this thread
   */
  static ToolCall current() {
    ToolCall call = CallScope.current();
    if (call == null) {
      throw new SecretUnavailableException("no guarded tool call is running on this thread: secrets are handed "
          + "out only inside an allowed call of a tool that declares them (@AgentTool(secrets = ...) or "
          + "AgentGuard.Builder.toolSecrets), on the thread that runs it");
    }
    return call;
  }
}
