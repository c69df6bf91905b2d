package dev.agentguard.mcp;

/**
 * Thrown inside a guarded call in place of the tool handler when the call's arguments were rejected,
 * so the attempt is decided and recorded by the guard (the outcome's {@code error} names this class)
 * and the handler never runs. Carries no message: the model gets the SDK's validation text instead.
 */
final class ArgumentsRejected extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ArgumentsRejected() {
    super(null, null, false, false);
  }
}
