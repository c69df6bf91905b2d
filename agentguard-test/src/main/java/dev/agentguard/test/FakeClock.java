package dev.agentguard.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock a test sets or moves by hand, forwards or backwards, for everything in AgentGuard that
 * reads time (credential expiry, task TTLs, rate windows, checkpoints): give it to
 * {@code AgentGuard.builder().clock(clock)} and step it instead of sleeping.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.at("2026-01-01T00:00:00Z");
 * AgentGuard guard = AgentGuard.builder().policy(set).clock(clock).build();
 * clock.advance(Duration.ofMinutes(6));   // the 5-minute task credential has now expired
 * }</pre>
 *
 * <p>Always in UTC. Thread-safe: readers see the latest {@link #set}/{@link #advance}.
 *
 * @since 0.2.0
 */
public final class FakeClock extends Clock {
  private volatile Instant now;

  /**
   * A clock standing at {@code start}.
   *
   * @throws NullPointerException if {@code start} is null
   */
  public FakeClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * A clock standing at an ISO-8601 instant such as {@code "2026-01-01T00:00:00Z"}.
   *
   * @throws java.time.format.DateTimeParseException if {@code iso} is not an instant
   */
  public static FakeClock at(String iso) {
    return new FakeClock(Instant.parse(iso));
  }

  /**
   * Jumps to {@code instant} (earlier or later).
   *
   * @throws NullPointerException if {@code instant} is null
   */
  public void set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
  }

  /**
   * Moves by {@code d}; a negative duration steps the clock back, as a wall clock may.
   *
   * @throws NullPointerException if {@code d} is null
   */
  public synchronized void advance(Duration d) {
    now = now.plus(Objects.requireNonNull(d, "d"));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: it always reads UTC, whatever zone is asked for. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
