package dev.agentguard;

/**
 * Base of every exception AgentGuard throws. All are unchecked.
 *
 * @since 0.1.0
 */
public class AgentGuardException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public AgentGuardException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public AgentGuardException(String message, Throwable cause) {
    super(message, cause);
  }
}
