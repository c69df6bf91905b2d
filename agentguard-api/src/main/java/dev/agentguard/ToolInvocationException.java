package dev.agentguard;

/**
 * Wraps a checked exception thrown by a tool body run through {@code AgentGuard.call}. The call was
 * allowed and ran; its failure is recorded in the audit trail.
 *
 * @since 0.1.0
 */
public class ToolInvocationException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  /** Wraps the tool's checked exception. */
  public ToolInvocationException(String tool, Exception cause) {
    super("tool " + tool + " failed: " + cause.getClass().getName(), cause);
  }
}
