package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/security-cases.md #29 under load: many producers far faster than a slow sink (about 50 µs per write).
 * Every event is written, counted in a gap, or its call returned false; none vanish.
 */
class AuditOverloadTest {
  static final int PRODUCERS = 8;
  static final int PER_PRODUCER = 2_000;

  @ParameterizedTest
  @EnumSource(AuditOverflow.class)
  void noEventVanishesUnderOverload(AuditOverflow mode) throws Exception {
    ControllableSink sink = new ControllableSink();
    sink.writeNanos = 50_000;
    AuditConfig cfg = config(sink).withQueueCapacity(128).withOverflow(mode, Duration.ofMillis(1));
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Set<String> refused = ConcurrentHashMap.newKeySet();
    Set<String> durableOk = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    AuditPipeline p = AuditPipeline.start(cfg);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < PRODUCERS; t++) {
      int producer = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < PER_PRODUCER; i++) {
          String key = producer + ":" + i;
          AuditEvent.Builder b = AuditEvent.builder(AuditEvent.TOOL_DECISION).task("p" + producer)
              .attributes(Map.of("key", key));
          if (i % 200 == 0) {
            if (p.recordDurably(b, Duration.ofMillis(200))) {
              durableOk.add(key);
            } else {
              refused.add(key);
            }
          } else if (p.record(b)) {
            accepted.add(key);
          } else {
            refused.add(key);
          }
        }
      });
      th.start();
      threads.add(th);
    }
    start.countDown();
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(th.isAlive());
    }
    p.close();
    long gapCount = 0;
    Set<String> written = new HashSet<>();
    List<AuditEvent> taken = sink.taken();
    for (int i = 0; i < taken.size(); i++) {
      AuditEvent e = taken.get(i);
      assertEquals(i + 1, e.seq(), "gap-free seq");
      if (e.type().equals(AuditEvent.AUDIT_GAP)) {
        gapCount += e.count();
      } else if (e.type().equals(AuditEvent.AUDIT_OPENED) || e.type().equals(AuditEvent.AUDIT_CLOSED)) {
        assertTrue(i == 0 || i == taken.size() - 1, "the run's first and last record");
      } else {
        assertTrue(written.add((String) e.attributes().get("key")), "written once");
      }
    }
    int produced = PRODUCERS * PER_PRODUCER;
    assertTrue(written.containsAll(durableOk), "a durable true was written");
    for (String key : refused) {
      if (written.contains(key)) {
        assertEquals(0, Integer.parseInt(key.substring(key.indexOf(':') + 1)) % 200,
            "only a timed-out durable call may be both refused and written: " + key);
      }
    }
    Set<String> notWritten = new HashSet<>(accepted);
    notWritten.removeAll(written);
    switch (mode) {
      case BLOCK:
        assertTrue(notWritten.isEmpty(), "block loses nothing");
        assertEquals(0, gapCount);
        assertEquals(produced - refused.size(), accepted.size() + durableOk.size());
        break;
      case DENY_AFTER_WAIT:
        assertTrue(notWritten.isEmpty(), "accepted records are all written");
        assertEquals(0, gapCount);
        assertTrue(p.health().refused() >= refused.size());
        break;
      case GAP:
        assertEquals(notWritten.size(), gapCount, "every dropped record is counted in a gap");
        assertEquals(p.health().gaps(), gapCount);
        assertTrue(gapCount > 0, "the overload must have dropped something");
        break;
      default:
        throw new AssertionError(mode);
    }
    Set<String> all = new HashSet<>(written);
    all.addAll(refused);
    all.addAll(notWritten);
    assertEquals(produced, all.size(), "every event is written, refused or counted in a gap");
  }
}
