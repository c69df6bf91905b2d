package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditOverflow;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable configuration of an {@link AuditPipeline}.
 *
 * @param sinks where events go, in this order; at least one
 * @param queueCapacity bound of the record queue, {@code > 0} (default 65,536)
 * @param overflow what {@link AuditPipeline#record} does when the queue is full (default BLOCK)
 * @param overflowWait the wait of {@link AuditOverflow#DENY_AFTER_WAIT} (default 100 ms)
 * @param closeTimeout how long {@link AuditPipeline#close()} keeps retrying failing sinks
 *     (default 10 s)
 * @param signer signs checkpoints, or {@code null} for none
 * @param checkpointEveryEvents a checkpoint after this many events, 0 for none (default 10,000)
 * @param checkpointInterval a checkpoint when this much clock time passed since the last one and
 *     events were written since, {@link Duration#ZERO} for none (default 1 minute)
 * @param clock the clock of {@code ts} and of the checkpoint interval (never of seq or order)
 * @param resumeFrom the head to continue, or {@code null}: then a sink that resumes an existing file
 *     (the JSON Lines sink) supplies the head, or the chain starts at genesis
 * @since 0.1.0
 */
public record AuditConfig(List<AuditSink> sinks, int queueCapacity, AuditOverflow overflow,
                          Duration overflowWait, Duration closeTimeout, CheckpointSigner signer,
                          long checkpointEveryEvents, Duration checkpointInterval, Clock clock,
                          ChainHead resumeFrom) {
  /** Default queue capacity. */
  public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

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
        checkpointInterval, clock, null);
  }

  private static void requireNonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }

  /** Defaults for the given sinks: BLOCK, 65,536 queue, 10 s close timeout, no signer, UTC clock. */
  public static AuditConfig defaults(List<AuditSink> sinks) {
    return new AuditConfig(sinks, DEFAULT_QUEUE_CAPACITY, AuditOverflow.BLOCK, Duration.ofMillis(100),
        Duration.ofSeconds(10), null, 10_000, Duration.ofMinutes(1), Clock.systemUTC(), null);
  }

  /** A copy with another queue capacity. */
  public AuditConfig withQueueCapacity(int capacity) {
    return new AuditConfig(sinks, capacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom);
  }

  /** A copy with another overflow behaviour and wait. */
  public AuditConfig withOverflow(AuditOverflow mode, Duration wait) {
    return new AuditConfig(sinks, queueCapacity, mode, wait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom);
  }

  /** A copy with another close timeout. */
  public AuditConfig withCloseTimeout(Duration timeout) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, timeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, resumeFrom);
  }

  /** A copy with checkpoints signed by {@code signer}. */
  public AuditConfig withCheckpoints(CheckpointSigner checkpointSigner, long everyEvents, Duration interval) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, checkpointSigner,
        everyEvents, interval, clock, resumeFrom);
  }

  /** A copy with another clock. */
  public AuditConfig withClock(Clock c) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, c, resumeFrom);
  }

  /** A copy that continues the chain from {@code head}. */
  public AuditConfig withResumeFrom(ChainHead head) {
    return new AuditConfig(sinks, queueCapacity, overflow, overflowWait, closeTimeout, signer,
        checkpointEveryEvents, checkpointInterval, clock, head);
  }
}
