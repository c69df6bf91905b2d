package dev.agentguard.core;

/**
 * What the audit pipeline does when its queue is full. Write-ahead records (privileged calls)
 * always wait up to their own timeout and are never dropped.
 *
 * @since 0.1.0
 */
public enum AuditOverflow {
  /** The default: the caller waits until there is room (backpressure). Nothing is lost. */
  BLOCK,
  /**
   * The caller waits up to the configured overflow wait, then the record is refused and the guard
   * denies the call with {@code AUDIT_UNAVAILABLE}.
   */
  DENY_AFTER_WAIT,
  /**
   * The caller never waits: the record is dropped and counted, and the writer puts one
   * {@code audit.gap} event whose {@code count} says how many were dropped into the chain.
   */
  GAP
}
