package dev.agentguard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the JSON Lines audit sink ({@link AuditSinks#jsonLines(java.nio.file.Path, JsonLinesOptions)}).
 * Immutable and thread-safe; build with {@link #builder()}.
 *
 * @since 0.1.0
 */
public final class JsonLinesOptions {
  private static final JsonLinesOptions DEFAULTS = builder().build();
  private final Fsync fsync;
  private final long maxFileBytes;

  private JsonLinesOptions(Builder b) {
    this.fsync = b.fsync;
    this.maxFileBytes = b.maxFileBytes;
  }

  /** Defaults: fsync every batch, no rotation. */
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

  /** Size after which the file is rotated, or 0 for no rotation. */
  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * When the sink forces written data to the storage device. Immutable and thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Fsync {
    /** Force after every event (slowest, survives a crash after each write). */
    public static final Fsync EVERY_EVENT = new Fsync("EVERY_EVENT", Duration.ZERO);
    /** The default: force once per batch, before write-ahead callers are released. */
    public static final Fsync EVERY_BATCH = new Fsync("EVERY_BATCH", Duration.ZERO);
    /** Never force (the operating system decides); write-ahead then only means "handed to the OS". */
    public static final Fsync NEVER = new Fsync("NEVER", Duration.ZERO);
    private final String kind;
    private final Duration interval;

    private Fsync(String kind, Duration interval) {
      this.kind = kind;
      this.interval = interval;
    }

    /**
     * Force at a flush when at least {@code interval} (monotonic time) passed since the last force.
     *
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public static Fsync interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("fsync interval must not be negative, was " + interval);
      }
      return new Fsync("INTERVAL", interval);
    }

    /** {@code EVERY_EVENT}, {@code EVERY_BATCH}, {@code INTERVAL} or {@code NEVER}. */
    public String kind() {
      return kind;
    }

    /** The interval of {@code INTERVAL}, else zero. */
    public Duration interval() {
      return interval;
    }

    @Override
    public String toString() {
      return "INTERVAL".equals(kind) ? kind + "(" + interval + ")" : kind;
    }
  }

  /**
   * Builds {@link JsonLinesOptions}. Not thread-safe; each option may be set once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private Fsync fsync = Fsync.EVERY_BATCH;
    private long maxFileBytes;
    private boolean fsyncSet;
    private boolean maxSet;

    private Builder() {}

    /**
     * Sets when the file is forced to disk (default {@link Fsync#EVERY_BATCH}).
     *
     * @throws IllegalStateException if already set
     */
    public Builder fsync(Fsync policy) {
      if (fsyncSet) {
        throw new IllegalStateException("fsync was already set to " + fsync);
      }
      this.fsync = Objects.requireNonNull(policy, "policy");
      fsyncSet = true;
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
      if (maxSet) {
        throw new IllegalStateException("maxFileBytes was already set to " + maxFileBytes);
      }
      if (bytes < 0) {
        throw new IllegalArgumentException("maxFileBytes must be >= 0, was " + bytes);
      }
      this.maxFileBytes = bytes;
      maxSet = true;
      return this;
    }

    /** Builds the options. */
    public JsonLinesOptions build() {
      return new JsonLinesOptions(this);
    }
  }
}
