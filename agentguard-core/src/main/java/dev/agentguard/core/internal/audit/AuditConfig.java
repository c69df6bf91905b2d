package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditOverflow;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable configuration of an {@link AuditPipeline}. The {@code DEFAULT_*} constants are the one
 * source of the audit defaults: {@link #defaults} and the guard's builder both use them.
 *
 * @param sinks where events go, in this order; at least one
 * @param queueCapacity bound of the record queue, {@code > 0} (default {@value #DEFAULT_QUEUE_CAPACITY})
 * @param overflow what {@link AuditPipeline#record} does when the queue is full (default BLOCK)
 * @param overflowWait the wait of {@link AuditOverflow#DENY_AFTER_WAIT} (default zero)
 * @param closeTimeout how long {@link AuditPipeline#close()} keeps retrying failing sinks
 *     (default 10 s)
 * @param signer signs checkpoints and the close record, or {@code null} for none
 * @param checkpointEveryEvents a checkpoint after this many events, 0 for none (default
 *     {@value #DEFAULT_CHECKPOINT_EVENTS})
 * @param checkpointInterval a checkpoint when this much clock time passed since the last one and
 *     events were written since, {@link Duration#ZERO} for none (default 1 minute)
 * @param clock the clock of {@code ts} and of the checkpoint interval (never of seq or order)
 * @param resumeFrom the head to continue, or {@code null}: then a sink that resumes an existing file
 *     (the JSON Lines sink) supplies the head, or the chain starts at genesis
 * @param instance the guard instance id each run's {@code audit.opened} record names, or {@code null}
 *     for none (a pipeline used without a guard)
 * @since 0.1.0
 */
public record AuditConfig(List<AuditSink> sinks, int queueCapacity, AuditOverflow overflow,
                          Duration overflowWait, Duration closeTimeout, CheckpointSigner signer,
                          long checkpointEveryEvents, Duration checkpointInterval, Clock clock,
                          ChainHead resumeFrom, String instance) {
  /** Default queue capacity. */
  public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
  /**
   * Default overflow behaviour.
   *
   * @since 0.2.0
   */
  public static final AuditOverflow DEFAULT_OVERFLOW = AuditOverflow.BLOCK;
  /**
   * Default wait of {@link AuditOverflow#DENY_AFTER_WAIT} (used only with that mode).
   *
   * @since 0.2.0
   */
  public static final Duration DEFAULT_OVERFLOW_WAIT = Duration.ZERO;
  /**
   * Default close timeout.
   *
   * @since 0.2.0
   */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Default number of events between checkpoints.
   *
   * @since 0.2.0
   */
  public static final long DEFAULT_CHECKPOINT_EVENTS = 1_000;
  /**
   * Default clock time between checkpoints.
   *
   * @since 0.2.0
   */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException naming the bad value
   * @throws NullPointerException if a required value is null
   */
  public AuditConfig {
    Objects.requireNonNull(sinks, "sinks");
    sinks = List.copyOf(sinks);
    if (sinks.isEmpty()) {
      throw new IllegalArgumentException("at least one audit sink is required");
    }
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("queueCapacity must be > 0, was " + queueCapacity);
    }
    Objects.requireNonNull(overflow, "overflow");
    requireNonNegative("overflowWait", overflowWait);
    requireNonNegative("closeTimeout", closeTimeout);
    requireNonNegative("checkpointInterval", checkpointInterval);
    if (checkpointEveryEvents < 0) {
      throw new IllegalArgumentException("checkpointEveryEvents must be >= 0, was " + checkpointEveryEvents);
    }
    Objects.requireNonNull(clock, "clock");
  }

  /** The contract's constructor, without {@code resumeFrom}. */
  public AuditConfig(List<AuditSink> sinks, int queueCapacity, AuditOverflow overflow,
                     Duration overflowWait, Duration closeTimeout, CheckpointSigner signer,
                     long checkpointEveryEvents, Duration checkpointInterval, Clock clock) {
    this(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer, checkpointEveryEvents,
        checkpointInterval, clock, null, null);
  }

  /**
   * The constructor of 0.1.0's components, without {@code instance}.
   *
   * @since 0.2.0
   */
  public AuditConfig(List<AuditSink> sinks, int queueCapacity, AuditOverflow overflow,
                     Duration overflowWait, Duration closeTimeout, CheckpointSigner signer,
                     long checkpointEveryEvents, Duration checkpointInterval, Clock clock, ChainHead resumeFrom) {
    this(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer, checkpointEveryEvents,
        checkpointInterval, clock, resumeFrom, null);
  }

  private static void requireNonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }

  /** The {@code DEFAULT_*} values for the given sinks, with no signer and the UTC system clock. */
  public static AuditConfig defaults(List<AuditSink> sinks) {
    return new AuditConfig(sinks, DEFAULT_QUEUE_CAPACITY, DEFAULT_OVERFLOW, DEFAULT_OVERFLOW_WAIT,
        DEFAULT_CLOSE_TIMEOUT, null, DEFAULT_CHECKPOINT_EVENTS, DEFAULT_CHECKPOINT_INTERVAL, Clock.systemUTC(),
        null, null);
  }

  /** A copy with another queue capacity. */
  public AuditConfig withQueueCapacity(int capacity) {
    return new AuditConfig(sinks, capacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom, instance);
  }

  /** A copy with another overflow behaviour and wait. */
  public AuditConfig withOverflow(AuditOverflow mode, Duration wait) {
    return new AuditConfig(sinks, queueCapacity, mode, wait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom, instance);
  }

  /** A copy with another close timeout. */
  public AuditConfig withCloseTimeout(Duration timeout) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, timeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom, instance);
  }

  /** A copy with checkpoints signed by {@code signer}. */
  public AuditConfig withCheckpoints(CheckpointSigner checkpointSigner, long everyEvents, Duration interval) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, checkpointSigner,
        everyEvents, interval, clock, resumeFrom, instance);
  }

  /** A copy with another clock. */
  public AuditConfig withClock(Clock c) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, c, resumeFrom, instance);
  }

  /** A copy that continues the chain from {@code head}. */
  public AuditConfig withResumeFrom(ChainHead head) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, head, instance);
  }

  /**
   * A copy whose runs name guard instance {@code id} in their opening record.
   *
   * @since 0.2.0
   */
  public AuditConfig withInstance(String id) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom, id);
  }
}
