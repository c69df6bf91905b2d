package dev.agentguard.core.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #106
/**
 * The striped gate close seals: it waits for a step in flight (so a record being enqueued or a gap
 * being counted at that moment is in before the close), counts exactly the reservations then held,
 * refuses and undoes every later step, and counts once.
 */
class AdmissionGateTest {

  @Test
  void sealWaitsForAStepInFlightAndCountsTheReservationItEndsHolding() throws Exception {
    AdmissionGate gate = new AdmissionGate(4);
    assertTrue(gate.enter(2)); // a caller took its room and is about to hold it
    CompletableFuture<Long> seal = CompletableFuture.supplyAsync(gate::seal);
    assertThrows(TimeoutException.class, () -> seal.get(200, TimeUnit.MILLISECONDS),
        "the seal must wait for the step in flight");
    gate.exitHolding(2);
    assertEquals(1L, seal.get(10, TimeUnit.SECONDS));
    assertEquals(1L, gate.gaps());
    assertFalse(gate.enterReleasing(2), "its later enqueue is refused: the seal counted it");
    assertEquals(1L, gate.gaps(), "and not counted again");
  }

  @Test
  void aGapCountedInsideAStepInFlightIsInBeforeTheSealReturns() throws Exception {
    AdmissionGate gate = new AdmissionGate(1);
    assertTrue(gate.enter(0));
    CompletableFuture<Long> seal = CompletableFuture.supplyAsync(gate::seal);
    Thread.sleep(50);
    gate.countGap(0);
    gate.exit(0);
    assertEquals(0L, seal.get(10, TimeUnit.SECONDS), "nothing held");
    assertEquals(1L, gate.gaps());
  }

  @Test
  void anEnqueueInFlightAtTheSealIsWaitedForAndNotCounted() throws Exception {
    AdmissionGate gate = new AdmissionGate(2);
    assertTrue(gate.enter(1));
    gate.exitHolding(1);
    assertTrue(gate.enterReleasing(1)); // enqueueing its record now
    CompletableFuture<Long> seal = CompletableFuture.supplyAsync(gate::seal);
    assertThrows(TimeoutException.class, () -> seal.get(200, TimeUnit.MILLISECONDS));
    gate.exit(1);
    assertEquals(0L, seal.get(10, TimeUnit.SECONDS), "written, so not in the gap");
    assertEquals(0L, gate.gaps());
  }

  @Test
  void countsEveryStripeExactlyOnceAndRefusesAfterwards() {
    AdmissionGate gate = new AdmissionGate(8);
    for (int s = 0; s < 8; s++) {
      for (int i = 0; i <= s; i++) {
        assertTrue(gate.enter(s));
        gate.exitHolding(s);
      }
    }
    assertTrue(gate.enterReleasing(3)); // one of stripe 3's given back before the seal
    gate.exit(3);
    assertFalse(gate.quiet());
    assertEquals(36L - 1, gate.seal());
    assertEquals(0L, gate.seal(), "a second seal counts nothing");
    assertEquals(35L, gate.gaps());
    for (int s = 0; s < 8; s++) {
      assertFalse(gate.enter(s), "sealed: refused");
    }
    assertTrue(gate.enterReleasing(7) == false && gate.enterReleasing(7) == false);
    assertEquals(35L, gate.gaps());
  }

  @Test
  void aThreadAlwaysGetsTheSameStripeInRange() {
    AdmissionGate gate = new AdmissionGate(16);
    int s = gate.stripe();
    assertTrue(s >= 0 && s < 16);
    assertEquals(s, gate.stripe());
    assertEquals(0, new AdmissionGate(1).stripe());
    assertThrows(IllegalArgumentException.class, () -> new AdmissionGate(3));
    assertThrows(IllegalArgumentException.class, () -> new AdmissionGate(128));
  }
}
