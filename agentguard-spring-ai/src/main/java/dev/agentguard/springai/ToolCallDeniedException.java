package dev.agentguard.springai;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.core.DenialText;

/**
 * The cause of the {@code ToolExecutionException} a guarded tool throws for a denied call when
 * denials throw (see {@link GuardedToolCallbacks.Builder#denialsThrow(boolean)}). It is an
 * {@link AccessDeniedException} with the guard's decision, but its message is only the safe
 * model-facing line of {@link DenialText} (no reasons, rule ids or argument values), because Spring
 * AI's default exception processor hands the message to the model.
 *
 * <p>With Spring AI's {@code DefaultToolExecutionExceptionProcessor} the denial ends the
 * {@code ChatClient} call when the processor is built with {@code alwaysThrow(true)} (property
 * {@code spring.ai.tools.throw-exception-on-error=true}) or lists {@link AccessDeniedException} in
 * {@code rethrowExceptions}; otherwise the model receives the message as the tool result.
 *
 * @since 0.2.0
 */
public final class ToolCallDeniedException extends AccessDeniedException {
  private static final long serialVersionUID = 1L;

  ToolCallDeniedException(AccessDeniedException denied) {
    super(denied.tool(), denied.decision());
  }

  /** The model-facing denial line, e.g. {@code "DENIED FORBIDDEN: a policy forbids this call"}. */
  @Override
  public String getMessage() {
    return DenialText.of(decision());
  }
}
