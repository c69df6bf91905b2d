package dev.agentguard.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AuditSink} must show to be used behind an {@link AgentGuard}: it takes
 * every record in chain order, with every field as the guard sealed it, from many threads; a
 * write-ahead record is readable before the tool runs; writes after close fail; another sink's
 * failure does not disturb it. The kit drives the sink through a real guard (public API only), so
 * it tests exactly what production does.
 *
 * <pre>{@code
 * class MySinkCompatibilityTest extends AuditSinkCompatibilityKit {
 *   protected AuditSink newSink() { return new MySink(...); }
 *   protected List<AuditEvent> readBack(AuditSink sink) { return ((MySink) sink).readAll(); }
 * }
 * }</pre>
 *
 * <p>Each test builds its own guard and closes it; the sink it gets from {@link #newSink()} is used
 * by that test only.
 *
 * @since 0.2.0
 */
public abstract class AuditSinkCompatibilityKit {
  private static final AgentIdentity AGENT = AgentIdentity.of("spiffe://kit.example/agent/writer");
  private static final PolicySet PERMIT_ALL = PolicySet.parse(String.join("\n",
      "version: 1",
      "policies:",
      "  - id: kit-permit-all",
      "    effect: permit",
      "    tools: [\"kit.**\"]",
      ""));
  /** A value with every character a line-oriented sink must escape (CWE-117). */
  private static final String AWKWARD = "line\nbreak \r\u0000 \u2028 \u2029 \"quoted\" \"}{\"decision\":\"ALLOW\"";

  /** A new, empty sink. */
  protected abstract AuditSink newSink() throws Exception;

  /**
   * The events {@code sink} took, in order, as far as they were flushed. Called after the guard
   * flushed (a write-ahead record), and after the guard closed the sink.
   */
  protected abstract List<AuditEvent> readBack(AuditSink sink) throws Exception;

  private static AgentGuard guard(AuditSink... sinks) {
    AgentGuard.Builder b = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .auditCloseTimeout(Duration.ofSeconds(10));
    for (AuditSink s : sinks) {
      b.auditSink(s);
    }
    return b.build();
  }

  private static TaskSpec spec(String purpose) {
    return TaskSpec.builder(AGENT).purpose(purpose).scopes("kit.**").ttl(Duration.ofMinutes(5)).build();
  }

  private static ToolRequest request(long producer, long i) {
    return ToolRequest.builder("kit.write").action("write").risk(Risk.LOW)
        .attribute("resource.producer", producer).attribute("resource.i", i)
        .attribute("resource.note", AWKWARD).build();
  }

  /** Each event's {@code prev} is the previous event's {@code hash}, and {@code seq} runs 1, 2, 3 ... */
  private static void assertOneUnbrokenChain(List<AuditEvent> events) {
    assertFalse(events.isEmpty(), "the sink took nothing");
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      assertEquals(i + 1, e.seq(), "seq of event " + i);
      assertNotNull(e.hash(), "hash of event " + e.seq());
      if (i > 0) {
        assertEquals(events.get(i - 1).hash(), e.prev(), "prev of event " + e.seq());
      }
    }
  }

  private static List<AuditEvent> ofType(List<AuditEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  /** The sink takes every record in chain order, each equal, field by field, to what the guard sealed. */
  @Test
  public void takesEventsInOrderWithEveryField() throws Exception {
    AuditSink sink = newSink();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    try (AgentGuard guard = guard(sink, reference)) {
      try (AgentTask task = guard.startTask(spec("in order"))) {
        for (int i = 0; i < 200; i++) {
          assertTrue(guard.check(request(0, i)).allowed());
        }
      }
    }
    List<AuditEvent> got = readBack(sink);
    List<AuditEvent> expected = reference.events();
    assertEquals(expected.size(), got.size(), "events taken");
    for (int i = 0; i < got.size(); i++) {
      assertEquals(expected.get(i), got.get(i), "event " + (i + 1));
    }
    assertOneUnbrokenChain(got);
    assertEquals(AWKWARD, ofType(got, AuditEvent.TOOL_DECISION).get(0).attributes().get("resource.note"),
        "a value with line breaks and quotes comes back as it was");
  }

  /** Records from many threads under many tasks all arrive, gap-free, each task's in its own order. */
  @Test
  public void takesEverythingFromConcurrentProducers() throws Exception {
    AuditSink sink = newSink();
    int producers = 8;
    int each = 200;
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger denied = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (AgentGuard guard = guard(sink)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        long producer = t;
        Thread th = new Thread(() -> {
          try (AgentTask task = guard.startTask(spec("producer " + producer))) {
            start.await();
            for (int i = 0; i < each; i++) {
              if (!guard.check(request(producer, i)).allowed()) {
                denied.incrementAndGet();
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
        th.start();
        threads.add(th);
      }
      start.countDown();
      for (Thread th : threads) {
        th.join(60_000);
      }
    }
    assertEquals(null, failure.get(), "a producer failed");
    assertEquals(0, denied.get(), "calls denied");
    List<AuditEvent> all = readBack(sink);
    assertOneUnbrokenChain(all);
    List<AuditEvent> decisions = ofType(all, AuditEvent.TOOL_DECISION);
    assertEquals(producers * each, decisions.size(), "decision records");
    Map<Long, Long> next = new HashMap<>();
    for (AuditEvent e : decisions) {
      long producer = (Long) e.attributes().get("resource.producer");
      long i = (Long) e.attributes().get("resource.i");
      assertEquals(next.getOrDefault(producer, 0L), i, "order of producer " + producer);
      next.put(producer, i + 1);
    }
  }

  /** A write-ahead (HIGH risk) call's decision can be read back from the sink before the tool runs. */
  @Test
  public void writeAheadEventIsReadableBeforeTheToolRuns() throws Exception {
    AuditSink sink = newSink();
    AtomicReference<List<AuditEvent>> seenByTool = new AtomicReference<>();
    try (AgentGuard guard = guard(sink)) {
      try (AgentTask task = guard.startTask(spec("write-ahead"))) {
        ToolRequest high = ToolRequest.builder("kit.transfer").action("send").risk(Risk.HIGH)
            .attribute("resource.i", 7L).build();
        guard.call(high, () -> {
          seenByTool.set(readBack(sink));
          return null;
        });
      }
    }
    List<AuditEvent> decisions = ofType(seenByTool.get(), AuditEvent.TOOL_DECISION);
    assertEquals(1, decisions.size(), "the decision record was taken before the tool ran");
    assertEquals("kit.transfer", decisions.get(0).tool());
    assertEquals("ALLOW", decisions.get(0).decision());
  }

  /**
   * A LOW call's one record (its decision with the outcome, members a reader restores left out of
   * the line) reads back whole and equal to what the pipeline sealed, in an unbroken chain.
   */
  @Test
  public void aCallsOneRecordReadsBackWhole() throws Exception {
    AuditSink sink = newSink();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    try (AgentGuard guard = guard(sink, reference)) {
      try (AgentTask task = guard.startTask(spec("one-record"))) {
        assertEquals("ran", guard.call(request(0, 0), () -> "ran"));
        assertThrows(IllegalStateException.class, () -> guard.call(request(0, 1), () -> {
          throw new IllegalStateException("body failed");
        }));
      }
    }
    List<AuditEvent> got = readBack(sink);
    assertOneUnbrokenChain(got);
    List<AuditEvent> calls = ofType(got, AuditEvent.TOOL_DECISION);
    assertEquals(2, calls.size(), "one record per call");
    assertEquals("ALLOW", calls.get(0).decision());
    assertEquals("success", calls.get(0).outcome());
    assertEquals(List.of("permitted by kit-permit-all"), calls.get(0).reasons());
    assertNotNull(calls.get(0).policyVersion(), "the implied policy version is restored");
    assertEquals("failure", calls.get(1).outcome());
    assertEquals(IllegalStateException.class.getName(), calls.get(1).error());
    assertEquals(reference.events(), got);
  }

  /** After the guard closed the sink, a write fails; nothing written before close is lost. */
  @Test
  public void writesAfterCloseFail() throws Exception {
    AuditSink sink = newSink();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    try (AgentGuard guard = guard(sink, reference)) {
      try (AgentTask task = guard.startTask(spec("close"))) {
        guard.check(request(0, 0));
      }
    }
    AuditEvent last = reference.events().get(reference.events().size() - 1);
    assertThrows(Exception.class, () -> sink.write(last), "a write after close must fail");
    assertEquals(reference.events(), readBack(sink));
  }

  /** Another sink that fails for a while does not stop this one: it takes everything, once, in order. */
  @Test
  public void keepsWorkingWhileAnotherSinkFails() throws Exception {
    AuditSink sink = newSink();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    AtomicInteger failuresLeft = new AtomicInteger(5);
    AuditSink flaky = e -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("flaky sink (expected in this test)");
      }
    };
    try (AgentGuard guard = guard(flaky, sink, reference)) {
      try (AgentTask task = guard.startTask(spec("flaky neighbour"))) {
        for (int i = 0; i < 20; i++) {
          assertTrue(guard.check(request(0, i)).allowed());
        }
      }
    }
    assertTrue(failuresLeft.get() <= 0, "the flaky sink was retried until it took the records");
    List<AuditEvent> got = readBack(sink);
    assertEquals(reference.events(), got);
    assertOneUnbrokenChain(got);
    assertEquals(20, ofType(got, AuditEvent.TOOL_DECISION).size());
    assertTrue(Objects.equals(got.get(got.size() - 1).type(), AuditEvent.AUDIT_CLOSED),
        "a clean close ends the trail with its close record");
  }
}
