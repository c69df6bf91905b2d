package dev.agentguard.core;

import dev.agentguard.core.internal.Settings;
import java.time.Duration;

/**
 * Options of the JSON Lines audit sink ({@link AuditSinks#jsonLines(java.nio.file.Path, JsonLinesOptions)}).
 * Immutable and thread-safe; build with {@link #builder()}.
 *
 * @since 0.1.0
 */
public final class JsonLinesOptions {
  private static final JsonLinesOptions DEFAULTS = builder().build();
  private final Fsync fsync;
  private final Duration fsyncInterval;
  private final long maxFileBytes;

  private JsonLinesOptions(Builder b) {
    this.fsync = b.fsync == null ? Fsync.EVERY_BATCH : b.fsync;
    this.fsyncInterval = b.fsyncInterval == null ? Duration.ZERO : b.fsyncInterval;
    this.maxFileBytes = b.maxFileBytes == null ? 0 : b.maxFileBytes;
  }

  /** Defaults: {@link Fsync#EVERY_BATCH}, no rotation. */
  public static JsonLinesOptions defaults() {
    return DEFAULTS;
  }

  /** A new builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** When the file is forced to disk. */
  public Fsync fsync() {
    return fsync;
  }

  /**
   * The interval of {@link Fsync#INTERVAL}, else zero.
   *
   * @since 0.2.0
   */
  public Duration fsyncInterval() {
    return fsyncInterval;
  }

  /** Size after which the file is rotated, or 0 for no rotation. */
  public long maxFileBytes() {
    return maxFileBytes;
  }

  @Override
  public String toString() {
    return "JsonLinesOptions{fsync=" + fsync + (fsync == Fsync.INTERVAL ? "(" + fsyncInterval + ")" : "")
        + ", maxFileBytes=" + maxFileBytes + "}";
  }

  /**
   * When the sink forces written data to the storage device. The pipeline asks its sinks to flush
   * at once when a write-ahead record waits, and otherwise at most every 2 ms (one flush for many
   * small batches under load); "a batch" is what one such flush covers.
   *
   * @since 0.1.0 (an enum since 0.2.0)
   */
  public enum Fsync {
    /** Force after every event (slowest; survives a crash after each write). */
    EVERY_EVENT,
    /**
     * The default: force at every flush the pipeline asks for, so a write-ahead record is on the
     * device before its caller is released; other events within about 2 ms.
     */
    EVERY_BATCH,
    /**
     * Force at a flush when at least {@link JsonLinesOptions#fsyncInterval()} (monotonic time) passed
     * since the last force; set with {@link Builder#fsyncInterval(Duration)}. Write-ahead then only
     * means "handed to the operating system" between forces.
     */
    INTERVAL,
    /** Never force (the operating system decides); write-ahead then only means "handed to the OS". */
    NEVER
  }

  /**
   * Builds {@link JsonLinesOptions}. Not thread-safe; each option may be set once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private Fsync fsync;
    private Duration fsyncInterval;
    private Long maxFileBytes;

    private Builder() {}

    /**
     * Sets when the file is forced to disk (default {@link Fsync#EVERY_BATCH}); for
     * {@link Fsync#INTERVAL} use {@link #fsyncInterval(Duration)}.
     *
     * @throws IllegalStateException if fsync was already set
     * @throws IllegalArgumentException for {@link Fsync#INTERVAL}, which needs its interval
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder fsync(Fsync policy) {
      Settings.requireUnset(fsync, "fsync");
      if (policy == Fsync.INTERVAL) {
        throw new IllegalArgumentException("fsync INTERVAL needs its interval: use fsyncInterval(Duration)");
      }
      this.fsync = Settings.setOnce(fsync, policy, "fsync");
      return this;
    }

    /**
     * Forces at a flush when at least {@code interval} (monotonic time) passed since the last force
     * ({@link Fsync#INTERVAL}).
     *
     * @throws IllegalStateException if fsync was already set
     * @throws IllegalArgumentException if {@code interval} is not positive
     * @since 0.2.0
     */
    public Builder fsyncInterval(Duration interval) {
      Settings.requireUnset(fsync, "fsync");
      this.fsyncInterval = Settings.positive(interval, "fsyncInterval");
      this.fsync = Fsync.INTERVAL;
      return this;
    }

    /**
     * Rotates the file before an event would make it larger than {@code bytes} (0 = never). The
     * current file is renamed to {@code <name>.<n>}, n one more than the largest existing suffix,
     * and a new file is started that continues the chain.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     * @throws IllegalStateException if already set
     */
    public Builder maxFileBytes(long bytes) {
      Settings.requireUnset(maxFileBytes, "maxFileBytes");
      if (bytes < 0) {
        throw new IllegalArgumentException("maxFileBytes must be >= 0, got " + bytes);
      }
      this.maxFileBytes = bytes;
      return this;
    }

    /** Builds the options. */
    public JsonLinesOptions build() {
      return new JsonLinesOptions(this);
    }
  }
}
