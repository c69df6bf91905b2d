package dev.agentguard.internal;

import dev.agentguard.ToolCall;

/**
 * <b>Not API.</b> The thread binding behind {@link ToolCall#current()}: the guard binds the running
 * call around an allowed tool body and restores the previous binding afterwards.
 *
 * @since 0.2.0
 */
public final class CallScope {
  private static final ThreadLocal<ToolCall> CURRENT = new ThreadLocal<>();

  private CallScope() {}

  /** The call bound to this thread, or {@code null}. */
  public static ToolCall current() {
    return CURRENT.get();
  }

  /** Binds {@code call} (or unbinds, for {@code null}) and returns what was bound before. */
  public static ToolCall bind(ToolCall call) {
    ToolCall before = CURRENT.get();
    if (call == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(call);
    }
    return before;
  }
}
