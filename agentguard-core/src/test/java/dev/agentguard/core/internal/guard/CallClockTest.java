package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.core.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The request path's clock: on the system clock a call's wall time is derived from its one
 * {@code nanoTime} reading and agrees with the system time; every other clock is asked on each call.
 */
class CallClockTest {
  @Test
  void onTheSystemClockTheDerivedTimeIsTheSystemTime() {
    for (Clock system : new Clock[] {Clock.systemUTC(), Clock.systemDefaultZone(), Clock.system(ZoneId.of("Asia/Tokyo"))}) {
      CallClock clock = new CallClock(system);
      for (int i = 0; i < 100_000; i++) {
        long before = System.currentTimeMillis();
        long derived = clock.millisAt(System.nanoTime());
        long after = System.currentTimeMillis();
        // the anchor's wall reading is taken after its nanoTime, so the derived time leads by the gap between them
        assertTrue(derived >= before && derived <= after + 1, before + " <= " + derived + " <= " + after + " + 1");
      }
    }
  }

  @Test // docs/security-cases.md #111
  void aTestClockIsAskedOnEveryCallSoMovingItMovesTheCallsTime() {
    TestClock test = TestClock.at("2026-12-02T10:00:00Z");
    CallClock clock = new CallClock(test);
    assertEquals(test.millis(), clock.millisAt(System.nanoTime()));
    test.advance(Duration.ofHours(2));
    assertEquals(test.millis(), clock.millisAt(System.nanoTime()), "a stepped test clock is seen at once");
    Clock fixed = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertEquals(fixed.millis(), new CallClock(fixed).millisAt(System.nanoTime()), "a fixed clock is not anchored");
    Clock offset = Clock.offset(Clock.systemUTC(), Duration.ofDays(-3));
    long derived = new CallClock(offset).millisAt(System.nanoTime());
    assertTrue(Math.abs(derived - offset.millis()) < 1_000, "an offset clock keeps its offset: " + derived);
  }

  @Test // docs/security-cases.md #111
  void aStepOfTheWallClockIsSeenOnceTheAnchorIsASecondOld() {
    Instant start = Instant.parse("2026-12-02T10:00:00Z");
    TestClock wall = new TestClock(start);
    CallClock clock = new CallClock(wall, true);
    long n0 = System.nanoTime();
    long first = clock.millisAt(n0);
    assertTrue(Math.abs(first - start.toEpochMilli()) <= 1_000, "anchored at the wall time: " + first);
    wall.set(start.plus(Duration.ofHours(1))); // an operator or NTP steps the wall clock
    assertEquals(first + 5, clock.millisAt(n0 + 5_000_000L), "within the second the anchor extrapolates");
    long later = clock.millisAt(System.nanoTime() + CallClock.REANCHOR_NANOS + 1);
    assertTrue(later >= start.plus(Duration.ofHours(1)).toEpochMilli(), "the step is seen after a second: " + later);
    wall.set(start); // stepped back
    long back = clock.millisAt(System.nanoTime() + 3 * CallClock.REANCHOR_NANOS);
    assertTrue(back < start.plus(Duration.ofMinutes(1)).toEpochMilli(), "a step back is seen too: " + back);
  }
}
