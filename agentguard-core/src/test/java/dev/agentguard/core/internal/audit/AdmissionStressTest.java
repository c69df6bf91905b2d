package dev.agentguard.core.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditOverflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

// docs/security-cases.md #105
/**
 * Many threads reserve, enqueue, release and offer while close runs: every record is accounted for
 * exactly. Written (taken by the consumer) plus counted in gaps equals what was accepted (slots
 * reserved and not released before the seal, GAP drops, accepted offers), and once close has
 * returned nothing is enqueued and nothing counted any more (the writer writes the gap and then
 * {@code audit.closed}). Some callers hold their slot across the close, so the seal counts some.
 */
class AdmissionStressTest {
  private static final int PRODUCERS = 8;

  /** A one-record call whose content is never built (the consumer only counts it). */
  static final class Call extends ToolCallRecord {
    Call() {
      super(1_764_324_000_000L);
    }

    @Override
    protected AuditEvent.Builder content() {
      return AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").tool("files.read").decision("ALLOW");
    }
  }

  /** What one producer saw. */
  private static final class Tally {
    long held; // reserveCall true with a slot
    long gapped; // reserveCall true, GAP counted it
    long released; // releaseCall gave the room back
    long offersAccepted; // record() true: queued or counted as a gap
  }

  @ParameterizedTest(name = "{0}, capacity {1}, {2} stripe(s)")
  @CsvSource({"GAP, 64, 8", "GAP, 7, 1", "BLOCK, 64, 8", "BLOCK, 5, 2", "DENY_AFTER_WAIT, 64, 8",
      "DENY_AFTER_WAIT, 3, 1"})
  void writtenPlusGapEqualsAcceptedExactlyWhileCloseRuns(AuditOverflow overflow, int capacity, int stripes)
      throws Exception {
    for (int round = 0; round < 5; round++) {
      oneRound(overflow, capacity, stripes);
    }
  }

  private static void oneRound(AuditOverflow overflow, int capacity, int stripes) throws Exception {
    AuditConfig config = AuditConfig.defaults(List.of(e -> { })).withQueueCapacity(capacity)
        .withOverflow(overflow, Duration.ofMillis(2));
    Admission a = new Admission(config, stripes);
    Tally[] tallies = new Tally[PRODUCERS];
    List<List<Call>> heldAcrossClose = new ArrayList<>();
    Thread[] producers = new Thread[PRODUCERS];
    long closeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
    long stopAt = closeAt + TimeUnit.MILLISECONDS.toNanos(150);
    for (int p = 0; p < PRODUCERS; p++) {
      Tally t = new Tally();
      tallies[p] = t;
      List<Call> kept = new ArrayList<>();
      heldAcrossClose.add(kept);
      producers[p] = new Thread(() -> produce(a, t, kept, stopAt), "stress-producer-" + p);
      producers[p].start();
    }
    AtomicLong written = new AtomicLong();
    AtomicLong gapsTaken = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    Thread consumer = new Thread(() -> consume(a, written, gapsTaken, stop), "stress-consumer");
    consumer.start();

    while (System.nanoTime() < closeAt) {
      Thread.sleep(5);
    }
    a.close(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)); // short: some calls outlive it
    stop.set(true);
    consumer.join(10_000);
    // what the writer would write before audit.closed: everything queued now, and the gap now
    long writtenAtClose = written.get() + drainAll(a);
    long gapAtClose = gapsTaken.get() + a.takeGap();
    assertEquals(a.gaps(), gapAtClose, "the consumer took every gap");

    for (Thread p : producers) {
      p.join(30_000);
      assertTrue(!p.isAlive(), "producer stuck");
    }
    for (int p = 0; p < PRODUCERS; p++) {
      for (Call c : heldAcrossClose.get(p)) { // resolved after the close: counted by the seal, never written
        if (ThreadLocalRandom.current().nextBoolean()) {
          a.recordOutcome(c);
        } else if (a.releaseCall(c)) {
          tallies[p].released++;
        }
      }
    }
    assertEquals(0, drainAll(a), "nothing may be enqueued after close returned");
    assertEquals(0, a.takeGap(), "nothing may be counted after close returned (the gap is already written)");
    assertNull(a.poll(0));

    long accepted = 0;
    for (Tally t : tallies) {
      accepted += t.held - t.released + t.gapped + t.offersAccepted;
    }
    assertEquals(accepted, writtenAtClose + gapAtClose,
        "written " + writtenAtClose + " + gap " + gapAtClose + " must equal accepted " + accepted);
  }

  private static void produce(Admission a, Tally t, List<Call> kept, long stopAt) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    List<Call> open = new ArrayList<>();
    while (System.nanoTime() < stopAt) {
      int op = r.nextInt(10);
      if (op == 0) {
        if (a.record(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task("t").outcome("success"))) {
          t.offersAccepted++;
        }
        continue;
      }
      Call c = new Call();
      if (!a.reserveCall(c)) {
        continue;
      }
      if (c.reservation == Admission.GAP_COUNTED) {
        t.gapped++;
        a.recordOutcome(c); // a no-op: already counted
        continue;
      }
      t.held++;
      if (op == 1 && kept.size() < 3) {
        kept.add(c); // holds its slot across the close
      } else if (op <= 3) {
        open.add(c); // resolved a little later, maybe after the close
      } else if (op == 4) {
        if (a.releaseCall(c)) {
          t.released++;
        }
      } else {
        a.recordOutcome(c);
      }
      if (open.size() > 4 || (!open.isEmpty() && r.nextInt(4) == 0)) {
        Call o = open.remove(0);
        if (r.nextBoolean()) {
          a.recordOutcome(o);
        } else if (a.releaseCall(o)) {
          t.released++;
        }
      }
    }
    for (Call o : open) {
      a.recordOutcome(o);
    }
  }

  private static void consume(Admission a, AtomicLong written, AtomicLong gapsTaken, AtomicBoolean stop) {
    List<Object> batch = new ArrayList<>();
    while (!stop.get()) {
      batch.clear();
      a.drainTo(batch, 16);
      if (batch.isEmpty()) {
        Object o = a.poll(TimeUnit.MILLISECONDS.toNanos(1));
        if (o != null) {
          batch.add(o);
        }
      }
      written.addAndGet(batch.size());
      gapsTaken.addAndGet(a.takeGap());
    }
  }

  private static long drainAll(Admission a) {
    List<Object> batch = new ArrayList<>();
    long n = 0;
    do {
      batch.clear();
      a.drainTo(batch, 1024);
      n += batch.size();
    } while (!batch.isEmpty());
    return n;
  }
}
