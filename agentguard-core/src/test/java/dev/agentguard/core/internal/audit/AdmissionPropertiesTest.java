package dev.agentguard.core.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditOverflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

// docs/security-cases.md #107
/**
 * Admission against a model, one operation at a time: room is capacity minus held slots minus
 * queued records, never more (a reserve or offer beyond it is GAP-counted or refused, never taken);
 * a released slot is room again; a reservation enqueues exactly once; close counts exactly the
 * slots still held; after close everything is refused and nothing more is queued or counted.
 */
class AdmissionPropertiesTest {
  private static final int RESERVE = 0;
  private static final int OUTCOME = 1;
  private static final int RELEASE = 2;
  private static final int OFFER = 3;
  private static final int DRAIN = 4;
  private static final int CLOSE = 5;

  @Provide
  Arbitrary<List<Integer>> operations() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.just(RESERVE)),
        Tuple.of(3, Arbitraries.just(OUTCOME)),
        Tuple.of(2, Arbitraries.just(RELEASE)),
        Tuple.of(2, Arbitraries.just(OFFER)),
        Tuple.of(2, Arbitraries.just(DRAIN)),
        Tuple.of(1, Arbitraries.just(CLOSE))).list().ofMinSize(1).ofMaxSize(120);
  }

  @Property(tries = 300)
  void matchesTheModel(@ForAll("operations") List<Integer> ops, @ForAll @IntRange(min = 1, max = 6) int capacity,
      @ForAll boolean gapMode, @ForAll @IntRange(min = 0, max = 3) int stripeBits) {
    Admission a = new Admission(AuditConfig.defaults(List.of(e -> { })).withQueueCapacity(capacity)
        .withOverflow(gapMode ? AuditOverflow.GAP : AuditOverflow.DENY_AFTER_WAIT, Duration.ZERO), 1 << stripeBits);
    List<AdmissionStressTest.Call> held = new ArrayList<>();
    long queued = 0;
    long gaps = 0;
    long refused = 0;
    long written = 0;
    long accepted = 0; // slots held (minus those given back) + GAP drops + offers taken
    boolean closed = false;
    int pick = 0;
    for (int op : ops) {
      long room = capacity - held.size() - queued;
      assertTrue(room >= 0);
      switch (op) {
        case RESERVE -> {
          AdmissionStressTest.Call c = new AdmissionStressTest.Call();
          boolean took = a.reserveCall(c);
          if (closed || (room == 0 && !gapMode)) {
            assertEquals(false, took);
            refused++;
          } else if (room > 0) {
            assertTrue(took && c.reservation > 0, "room " + room + ": a slot");
            held.add(c);
            accepted++;
          } else {
            assertTrue(took && c.reservation == Admission.GAP_COUNTED, "full: GAP counts it");
            assertTrue(a.recordOutcome(c), "its outcome is a no-op");
            gaps++;
            accepted++;
          }
        }
        case OUTCOME, RELEASE -> {
          if (held.isEmpty()) {
            continue;
          }
          AdmissionStressTest.Call c = held.remove(pick++ % held.size());
          if (op == OUTCOME) {
            assertTrue(a.recordOutcome(c));
            if (!closed) {
              queued++;
            }
          } else {
            assertEquals(!closed, a.releaseCall(c), "given back unless close counted it");
            if (!closed) {
              accepted--;
            }
            assertEquals(false, a.releaseCall(c), "a second release is a no-op");
          }
        }
        case OFFER -> {
          boolean took = a.record(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task("t").outcome("success"));
          if (closed || (room == 0 && !gapMode)) {
            assertEquals(false, took);
            refused++;
          } else {
            assertTrue(took);
            accepted++;
            if (room > 0) {
              queued++;
            } else {
              gaps++;
            }
          }
        }
        case DRAIN -> {
          List<Object> out = new ArrayList<>();
          a.drainTo(out, 2);
          assertEquals(Math.min(2, queued), out.size());
          queued -= out.size();
          written += out.size();
        }
        default -> {
          a.close(System.nanoTime()); // no wait: what is held now is counted
          if (!closed) {
            gaps += held.size();
          }
          closed = true;
        }
      }
      assertEquals(queued, a.queued(), "queued after " + op);
      assertEquals(gaps, a.gaps(), "gaps after " + op);
      assertEquals(refused, a.refused(), "refused after " + op);
    }
    a.close(System.nanoTime());
    for (AdmissionStressTest.Call c : held) {
      assertTrue(a.recordOutcome(c)); // after the close: counted, not queued
    }
    List<Object> rest = new ArrayList<>();
    a.drainTo(rest, Integer.MAX_VALUE);
    assertEquals(accepted, written + rest.size() + a.gaps(), "every accepted record written or counted, once");
  }
}
