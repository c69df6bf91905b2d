package dev.agentguard.core.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
  void aGapCountedWithoutAStepIsInTheSealedTotalAndOneTriedAfterTheSealIsRefused() {
    AdmissionGate gate = new AdmissionGate(2);
    assertTrue(gate.countGapUnlessSealed(1));
    assertTrue(gate.countGapUnlessSealed(1));
    assertTrue(gate.enter(1));
    gate.exitHolding(1); // one reservation held on the same stripe
    assertEquals(1L, gate.seal(), "the seal counts the held reservation, not the gaps counted before it");
    assertEquals(3L, gate.gaps(), "two gaps counted before the seal plus the held reservation");
    assertFalse(gate.countGapUnlessSealed(1), "sealed: refused");
    assertFalse(gate.countGapUnlessSealed(0), "every stripe is sealed");
    assertEquals(3L, gate.gaps(), "a refused gap is never counted");
  }

  @Test
  void gapsCountedWithoutAStepWhileTheSealRunsAreAllInTheTotalTheSealLeavesAndRefusedOnesNeverMoveIt()
      throws Exception {
    for (int round = 0; round < 10; round++) {
      AdmissionGate gate = new AdmissionGate(2);
      int threads = 3;
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch started = new CountDownLatch(threads);
        List<Future<Long>> counted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int stripe = t % 2;
          counted.add(pool.submit(() -> {
            started.countDown();
            long n = 0;
            while (!stop.get()) { // callers keep trying after the seal, as late calls would
              if (gate.countGapUnlessSealed(stripe)) {
                n++;
              }
            }
            return n;
          }));
        }
        started.await();
        Thread.sleep(2);
        gate.seal();
        long atSeal = gate.gaps(); // what the writer reads for the last audit.gap once the seal returned
        for (int i = 0; i < 200_000; i++) {
          assertEquals(atSeal, gate.gaps(), "a refused caller moved the sealed total");
        }
        stop.set(true);
        long total = 0;
        for (Future<Long> f : counted) {
          total += f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(total, atSeal, "every gap a caller was told was counted is in the total read after the seal");
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
    }
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
