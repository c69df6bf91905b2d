package dev.agentguard.redis;

import dev.agentguard.AgentGuardException;

/**
 * The fleet's Redis could not be reached or refused a command: thrown when a fleet cannot start and
 * by a revocation that is enforced on this guard but not yet stored for the rest of the fleet. The
 * message names the server (host, port, namespace) and the failure type, never a password.
 *
 * @since 0.2.0
 */
public final class RedisFleetException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  RedisFleetException(String message, Throwable cause) {
    super(message, cause);
  }
}
