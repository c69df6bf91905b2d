package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditSink} must do, run through a real {@link AuditPipeline}: take events in seq
 * order with every field intact, take everything many producers record, make write-ahead events
 * readable once {@code recordDurably} returned, fail writes after close, and keep taking events
 * while another sink fails. Extend it for a new sink:
 *
 * <pre>{@code
 * class MySinkCompatibilityTest extends AuditSinkCompatibilityKit {
 *   protected AuditSink newSink() { ... }
 *   protected List<AuditEvent> readBack(AuditSink sink) { ... }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class AuditSinkCompatibilityKit {
  /** A new, empty sink. */
  protected abstract AuditSink newSink() throws Exception;

  /**
   * The events {@code sink} took, in order, as far as they were flushed. Called after
   * {@link AuditSink#flush()} and possibly after {@link AuditSink#close()}.
   */
  protected abstract List<AuditEvent> readBack(AuditSink sink) throws Exception;

  private static AuditConfig config(AuditSink... sinks) {
    return AuditConfig.defaults(List.of(sinks)).withCloseTimeout(Duration.ofSeconds(5));
  }

  /** The events callers recorded, without the pipeline's own opening and close records. */
  private static List<AuditEvent> recorded(List<AuditEvent> events) {
    return events.stream()
        .filter(e -> !e.type().equals(AuditEvent.AUDIT_OPENED) && !e.type().equals(AuditEvent.AUDIT_CLOSED))
        .toList();
  }

  private static AuditEvent.Builder event(int producer, int i) {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("producer", (long) producer);
    attrs.put("i", (long) i);
    attrs.put("note", "line\nbreak \u2028 \"quoted\"");
    return AuditEvent.builder(AuditEvent.TOOL_DECISION).agent("agent-" + producer).task("task-" + producer)
        .tool("db.query").action("read").risk("high").decision("DENY").code("FORBIDDEN")
        .reasons(List.of("forbidden by r1")).policies(List.of("r1")).policyVersion("sha256:" + "0".repeat(64))
        .attributes(attrs);
  }

  /** The sink takes events in seq order, each with every field as the pipeline sealed it. */
  @Test
  public void takesEventsInOrderWithEveryField() throws Exception {
    AuditSink sink = newSink();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(config(sink, reference))) {
      for (int i = 0; i < 500; i++) {
        assertTrue(p.record(event(0, i)));
      }
      p.record(AuditEvent.builder(AuditEvent.TASK_COMPLETED).task("task-0").durationMicros(12L));
    }
    List<AuditEvent> got = readBack(sink);
    List<AuditEvent> expected = reference.events();
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals(i + 1, got.get(i).seq());
      assertEquals(expected.get(i).hash(), got.get(i).hash());
      assertArrayEquals(AuditJson.canonicalBytes(expected.get(i)), AuditJson.canonicalBytes(got.get(i)));
    }
  }

  /** Records from many producer threads all reach the sink, each producer's in its own order. */
  @Test
  public void takesEverythingFromConcurrentProducers() throws Exception {
    AuditSink sink = newSink();
    int producers = 8;
    int each = 500;
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger refused = new AtomicInteger();
    try (AuditPipeline p = AuditPipeline.start(config(sink).withQueueCapacity(64))) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        int producer = t;
        Thread th = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < each; i++) {
            if (!p.record(event(producer, i))) {
              refused.incrementAndGet();
            }
          }
        });
        th.start();
        threads.add(th);
      }
      start.countDown();
      for (Thread th : threads) {
        th.join(30_000);
      }
    }
    assertEquals(0, refused.get());
    List<AuditEvent> all = readBack(sink);
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).seq());
    }
    List<AuditEvent> got = recorded(all);
    assertEquals(producers * each, got.size());
    Map<Long, Long> next = new HashMap<>();
    for (int i = 0; i < got.size(); i++) {
      AuditEvent e = got.get(i);
      long producer = (Long) e.attributes().get("producer");
      long idx = (Long) e.attributes().get("i");
      assertEquals(next.getOrDefault(producer, 0L), idx, "producer order");
      next.put(producer, idx + 1);
    }
  }

  /** Once {@code recordDurably} returned true, the event can be read back before close. */
  @Test
  public void writeAheadEventIsReadableBeforeClose() throws Exception {
    AuditSink sink = newSink();
    try (AuditPipeline p = AuditPipeline.start(config(sink))) {
      for (int i = 0; i < 10; i++) {
        p.record(event(0, i));
      }
      assertTrue(p.recordDurably(event(0, 10), Duration.ofSeconds(5)));
      List<AuditEvent> got = recorded(readBack(sink));
      assertEquals(11, got.size());
      assertEquals(10L, got.get(10).attributes().get("i"));
    }
  }

  /** Writes after close fail; close is idempotent; nothing written before close is lost. */
  @Test
  public void writesAfterCloseFail() throws Exception {
    AuditSink sink = newSink();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(config(sink, reference))) {
      p.record(event(0, 0));
    }
    sink.close();
    AuditEvent e = reference.events().get(0);
    assertThrows(Exception.class, () -> sink.write(e));
    assertEquals(reference.events().size(), readBack(sink).size());
    assertEquals(1, recorded(readBack(sink)).size());
  }

  /** Another sink's failure does not stop this one; it takes everything, in order, exactly once. */
  @Test
  public void keepsWorkingWhileAnotherSinkFails() throws Exception {
    AuditSink sink = newSink();
    AtomicInteger failuresLeft = new AtomicInteger(5);
    AuditSink flaky = ev -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("flaky");
      }
    };
    try (AuditPipeline p = AuditPipeline.start(config(flaky, sink))) {
      for (int i = 0; i < 20; i++) {
        assertTrue(p.record(event(0, i)));
      }
    }
    List<AuditEvent> got = readBack(sink);
    assertEquals(22, got.size(), "20 events, the opening and the close record");
    for (int i = 0; i < got.size(); i++) {
      assertEquals(i + 1, got.get(i).seq());
    }
    assertFalse(failuresLeft.get() > 0);
  }
}
