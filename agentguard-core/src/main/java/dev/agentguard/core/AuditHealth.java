package dev.agentguard.core;

/**
 * A live view of the audit pipeline's state. Never contains event data: errors name the sink and
 * the exception type only. Thread-safe; every value is a snapshot that may change immediately.
 *
 * @since 0.1.0
 */
public interface AuditHealth {
  /** {@code true} while the pipeline accepts records and no sink is failing. */
  boolean healthy();

  /** Number of records waiting in the queue. */
  long queued();

  /** Number of events (including gap and checkpoint events) every live sink has taken. */
  long written();

  /** Number of records dropped under {@link AuditOverflow#GAP} (each counted in an {@code audit.gap} event). */
  long gaps();

  /** Number of records refused ({@code record} or {@code recordDurably} returned {@code false}). */
  long refused();

  /** The sink currently failing, as {@code "#<index> <class name>"}, or {@code null}. */
  String failingSink();

  /** The last sink or signer error ({@code "#<index> <class name>: <exception type>"}), or {@code null}. */
  String lastError();
}
