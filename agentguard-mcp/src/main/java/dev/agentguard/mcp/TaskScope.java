package dev.agentguard.mcp;

/**
 * How long the AgentGuard task an MCP caller's tool calls run under lives.
 *
 * @since 0.2.0
 */
public enum TaskScope {
  /**
   * One task per (MCP session, principal): started at the caller's first listing or call, closed
   * when the client ends the session (HTTP {@code DELETE}), when a call finds its credential expired
   * or revoked, or when the server closes. Per-task limits and {@code task.*} history span the session.
   */
  SESSION,
  /** One task per {@code tools/call}: started before the decision and closed right after the call. */
  REQUEST
}
