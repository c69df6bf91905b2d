package dev.agentguard;

/**
 * Where audit events go. Called from the guard's audit writer thread only, one event at a time, in
 * sequence order; never from the caller's thread.
 *
 * <p>A sink that throws (an exception or an error such as {@link AssertionError} or
 * {@link StackOverflowError}) is retried with the same event, in order, with backoff; calls whose
 * record must be written first are denied while it fails. The events it gets are immutable; the
 * pipeline's own records ({@code audit.opened}, {@code audit.checkpoint}, {@code audit.gap},
 * {@code audit.closed}) come through it like any other. Implementations need not be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AuditSink extends AutoCloseable {
  /** Takes one event. Throwing means it was not taken and will be offered again. */
  void write(AuditEvent event) throws Exception;

  /**
   * Makes everything taken so far durable. The writer calls it at once when a write-ahead record
   * waits for it (the caller is released only after every sink's {@code flush} returned), and
   * otherwise at most a few milliseconds after a write, so one flush covers many events under load.
   * Throwing means nothing since the last successful flush is known to be durable; it is retried.
   */
  default void flush() throws Exception {}

  /** Releases resources after a final flush. */
  @Override
  default void close() throws Exception {}
}
