package dev.agentguard;

/**
 * Where audit events go. Called from the guard's audit writer thread only, one event at a time, in
 * sequence order; never from the caller's thread.
 *
 * <p>A sink that throws is retried (in order) with backoff; calls whose record must be written first
 * are denied while it fails. Implementations need not be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AuditSink extends AutoCloseable {
  /** Takes one event. Throwing means it was not taken and will be offered again. */
  void write(AuditEvent event) throws Exception;

  /** Makes everything taken so far durable. Called after each batch. */
  default void flush() throws Exception {}

  /** Releases resources after a final flush. */
  @Override
  default void close() throws Exception {}
}
