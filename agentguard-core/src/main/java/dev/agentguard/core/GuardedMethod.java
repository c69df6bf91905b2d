package dev.agentguard.core;

import dev.agentguard.Risk;

/**
 * One tool method bound to its target object and authorized on every call, for frameworks that call
 * tools reflectively instead of through an interface (see {@link AgentGuard#guardMethod}).
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public interface GuardedMethod {
  /** The tool name from {@code @AgentTool}. */
  String tool();

  /** The tool's declared risk. */
  Risk risk();

  /**
   * Decides the call under the current task and, when allowed, invokes the method.
   *
   * @param args the method's arguments, in order
   * @return what the method returned ({@code null} for void)
   * @throws dev.agentguard.AccessDeniedException when denied; the method did not run
   * @throws Throwable whatever the method threw, unchanged
   */
  Object invoke(Object... args) throws Throwable;
}
