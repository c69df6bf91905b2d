package dev.agentguard.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests set or move by hand, forwards or backwards; thread-safe. Never sleep to wait for time. */
public final class TestClock extends Clock {
  private volatile Instant now;

  /** A clock standing at {@code start}. */
  public TestClock(Instant start) {
    this.now = start;
  }

  /** A clock standing at an ISO-8601 instant. */
  public static TestClock at(String iso) {
    return new TestClock(Instant.parse(iso));
  }

  /** Jumps to {@code instant}. */
  public void set(Instant instant) {
    now = instant;
  }

  /** Moves by {@code d} (negative to step back). */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
