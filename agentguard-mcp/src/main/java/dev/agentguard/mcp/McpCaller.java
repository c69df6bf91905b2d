package dev.agentguard.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling an MCP tool, as the HTTP request that carried the call says: the principal the
 * application's HTTP security authenticated, the MCP session and the per-request transport context.
 * The client's own token is never part of it.
 *
 * <p>Immutable and thread-safe. {@link #toString()} names no principal and no session id.
 *
 * @since 0.2.0
 */
public final class McpCaller {
  private final String principal;
  private final String sessionId;
  private final McpTransportContext transportContext;

  McpCaller(String principal, String sessionId, McpTransportContext transportContext) {
    this.principal = principal;
    this.sessionId = sessionId;
    this.transportContext = Objects.requireNonNull(transportContext, "transportContext");
  }

  /** The authenticated principal's name for this request, or empty when the request carried none. */
  public Optional<String> principal() {
    return Optional.ofNullable(principal);
  }

  /** The MCP session this request belongs to, or empty before a session exists. */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /**
   * The SDK's per-request transport context, filled from this very HTTP request (never a value left
   * over from the session's first request).
   */
  public McpTransportContext transportContext() {
    return transportContext;
  }

  @Override
  public String toString() {
    return "McpCaller{principal=" + (principal == null ? "none" : "present")
        + ", session=" + (sessionId == null ? "none" : "present") + "}";
  }
}
