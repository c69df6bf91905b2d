package dev.agentguard;

/**
 * Thrown by {@link ToolCall#secret(String)} when no secret may be handed out: no guarded call is
 * running on this thread, the running tool does not declare the secret, or the task's lease was
 * revoked (task closed, revoked or expired). The message says which and names the secret, the tool
 * and the task, never secret material.
 *
 * @since 0.2.0
 */
public final class SecretUnavailableException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public SecretUnavailableException(String message) {
    super(message);
  }
}
