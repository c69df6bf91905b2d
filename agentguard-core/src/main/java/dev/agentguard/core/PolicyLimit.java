package dev.agentguard.core;

/**
 * One entry of a policy document's {@code limits:} list: a call budget for the matching tools.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public interface PolicyLimit {
  /** The limit's id, unique within its document. */
  String id();

  /** Most calls of the matching tools per task; {@code -1} when not set. */
  long maxCallsPerTask();

  /** Most calls of the matching tools per agent per fixed 60 s window; {@code -1} when not set. */
  long maxCallsPerMinute();
}
