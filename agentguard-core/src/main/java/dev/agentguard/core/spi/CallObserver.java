package dev.agentguard.core.spi;

import dev.agentguard.AuditEvent;

/**
 * Watches guarded tool calls from outside the decision: tracing, metrics. It sees a call arrive, its
 * decision and, for an allowed call, its outcome; it can neither change a decision nor let a call
 * through.
 *
 * <p><b>What it sees.</b> The tool name when the call arrives, then the content of the call's audit
 * records ({@code tool.decision}, {@code tool.completed}) as the guard built them, before the audit
 * pipeline assigned {@code seq}, {@code ts} or the hash: arguments marked {@code @Redact} are
 * {@code sha256:} digests there, credential tokens appear only as credential ids. Raw arguments
 * never reach an observer.
 *
 * <p><b>When.</b> Every callback runs on the calling thread, in this order for one call:
 * {@link #callStarted} as the call arrives (before any check); {@link Observation#decided} once its
 * decision is recorded &mdash; for an allowed call just before the tool body runs, after the audit
 * trail admitted the decision; {@link Observation#completed} after an allowed body ended (success or
 * exception). A denied call gets no {@code completed}. Dry runs ({@code AgentGuard.check}) are not
 * observed.
 *
 * <p><b>Isolation.</b> An observer that throws changes nothing about the call: the guard catches
 * it, logs the first failure once per guard, and the call proceeds as decided. An observer that
 * blocks does block the calling thread: keep callbacks short.
 *
 * <p>Implementations must be thread-safe: one instance sees every call of the guard, from any
 * thread. An {@link Observation} belongs to one call and is used by its thread only.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface CallObserver {
  /**
   * A guarded call arrived.
   *
   * @param tool the requested tool name; in some adapters it comes from the model, so it may name
   *     no tool the guard knows (never use it as an unbounded metric attribute)
   * @return what follows this call, or {@code null} not to follow it
   */
  Observation callStarted(String tool);

  /**
   * One observed call. Its default methods do nothing.
   *
   * @since 0.2.0
   */
  interface Observation {
    /**
     * The W3C trace id (32 lower-case hex digits) this call's audit records carry as
     * {@code traceId}, or {@code null} for none. Asked when the decision record is built; a value
     * that is not 32 lower-case hex digits (or is all zeros) is ignored.
     */
    default String traceId() {
      return null;
    }

    /**
     * The W3C span id (16 lower-case hex digits) this call's audit records carry as {@code spanId},
     * or {@code null} for none; ignored unless {@link #traceId()} is valid too.
     */
    default String spanId() {
      return null;
    }

    /**
     * The call was decided and its decision recorded.
     *
     * @param decision the content of the {@code tool.decision} record (no {@code seq}, {@code ts}
     *     or hash yet); its {@code decision} is {@code "ALLOW"} or {@code "DENY"}, with the deny
     *     code in {@code code}
     */
    default void decided(AuditEvent decision) {}

    /**
     * The allowed tool body ended.
     *
     * @param outcome the call's outcome as a short {@code tool.completed} content ({@code task},
     *     {@code tool}, {@code outcome} {@code "success"} or {@code "failure"}, {@code error} the
     *     exception's class name on failure, {@code durationMicros}): the trail's own completion for a
     *     write-ahead call, the outcome members of the call's one {@code tool.decision} otherwise
     */
    default void completed(AuditEvent outcome) {}
  }
}
