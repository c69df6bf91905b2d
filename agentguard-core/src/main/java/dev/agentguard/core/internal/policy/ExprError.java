package dev.agentguard.core.internal.policy;

/**
 * A compile error of a {@code when} condition at an offset inside it, with the offending policy
 * text (never request data: conditions are compiled at load time). No stack trace.
 */
final class ExprError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int offset;
  final String value;

  ExprError(int offset, String value, String message) {
    super(message, null, false, false);
    this.offset = offset;
    this.value = value;
  }
}
