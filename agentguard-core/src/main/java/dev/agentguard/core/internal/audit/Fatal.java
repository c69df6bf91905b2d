package dev.agentguard.core.internal.audit;

/**
 * Which throwables may stop the audit writer. A sink, a signer or an attribute's {@code toString}
 * that throws anything else &mdash; any exception, and errors such as {@link AssertionError},
 * {@link LinkageError} or {@link StackOverflowError} (the stack has unwound by the time it is
 * caught) &mdash; is a failure of that component, handled where it happened.
 *
 * @since 0.2.0
 */
final class Fatal {
  private Fatal() {}

  /**
   * Whether {@code t} means the JVM itself is failing ({@link OutOfMemoryError},
   * {@link InternalError}, {@link UnknownError}): the writer then stops, health says so and every
   * later record is refused.
   */
  static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /** Rethrows {@code t} when it is fatal. */
  static void rethrowIfFatal(Throwable t) {
    if (isFatal(t)) {
      throw (VirtualMachineError) t;
    }
  }
}
