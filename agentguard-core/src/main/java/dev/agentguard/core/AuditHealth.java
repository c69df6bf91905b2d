package dev.agentguard.core;

/**
 * A snapshot of the audit pipeline's state, taken at once: each value is read once when the
 * snapshot is made and {@link #healthy()} is derived from the values of the same snapshot, so they
 * never contradict each other (call {@code auditHealth()} again for a fresh one). Never contains
 * event data: errors name the sink and the exception type only. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public interface AuditHealth {
  /** {@code true} while the pipeline accepts records, its writer runs and no sink is failing. */
  boolean healthy();

  /**
   * Whether the pipeline accepts records ({@code false} after close, or once the writer stopped).
   *
   * @since 0.2.0
   */
  boolean accepting();

  /**
   * Whether the writer stopped before a clean close: only a fatal {@link VirtualMachineError}
   * (out of memory, an internal JVM error) stops it. Every record is then refused, so write-ahead
   * (privileged) calls are denied; {@link #lastError()} names the error.
   *
   * @since 0.2.0
   */
  boolean writerStopped();

  /** Number of records waiting in the queue. */
  long queued();

  /** Number of events (including the pipeline's own records) every live sink has taken. */
  long written();

  /** Number of records dropped under {@link AuditOverflow#GAP} (each counted in an {@code audit.gap} event). */
  long gaps();

  /** Number of records refused ({@code record} or {@code recordDurably} returned {@code false}). */
  long refused();

  /** The sink currently failing, as {@code "#<index> <class name>"}, or {@code null}. */
  String failingSink();

  /**
   * The last error: {@code "#<index> <class name>: <exception type>"} for a sink,
   * {@code "checkpoint signer: <exception type>"}, or {@code "writer stopped: <error type>"}; or
   * {@code null}.
   */
  String lastError();
}
