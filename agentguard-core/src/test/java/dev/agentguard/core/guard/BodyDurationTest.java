package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The body's duration ({@code durationMicros}) on the system clock: a call that waits for nothing
 * on its way is measured from its arrival's one clock reading; a call that waited (an obligation, an
 * approval, a limit store, a secret broker, audit room under {@code BLOCK}) is measured from a
 * reading taken when its body starts, so the wait is never counted as the tool's time. The call's
 * wall time is derived from the same reading, and expiry still holds on it.
 */
class BodyDurationTest {
  /** Tools whose bodies take a known time or wait for a latch. */
  public interface Timed {
    @AgentTool(value = "tickets.slow", action = "read", risk = Risk.LOW)
    String slow(@Attr("resource.id") String id);

    @AgentTool(value = "tickets.held", action = "read", risk = Risk.LOW)
    String held(@Attr("resource.id") String id);
  }

  static final class TimedImpl implements Timed {
    final CountDownLatch entered;
    final CountDownLatch release = new CountDownLatch(1);

    TimedImpl(int holders) {
      this.entered = new CountDownLatch(holders);
    }

    @Override
    public String slow(String id) {
      sleep(30);
      return "slow " + id;
    }

    @Override
    public String held(String id) {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "held " + id;
    }
  }

  static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");
  static final int CAPACITY = 16;

  private final ExecutorService pool = Executors.newFixedThreadPool(CAPACITY + 2);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the body's own work, which the duration must include
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A guard on the system clock (the fixture's guard runs on a test clock) with an in-memory sink. */
  static final class SystemClockGuard implements AutoCloseable {
    final InMemoryAuditSink sink = AuditSinks.inMemory();
    final AgentGuard guard;

    SystemClockGuard(UnaryOperator<AgentGuard.Builder> customize) {
      guard = customize.apply(AgentGuard.builder().policy(PERMIT_ALL).auditSink(sink)).build();
    }

    List<AuditEvent> drainedEvents() {
      guard.close();
      return sink.events();
    }

    @Override
    public void close() {
      guard.close();
    }
  }

  private static AuditEvent callOf(List<AuditEvent> events, String tool) {
    return events.stream().filter(e -> tool.equals(e.tool()) && e.outcome() != null).findFirst().orElseThrow();
  }

  @Test
  void aPlainCallIsMeasuredFromItsArrivalAndIncludesTheWholeBody() {
    try (SystemClockGuard f = new SystemClockGuard(b -> b)) {
      Timed tools = f.guard.protect(Timed.class, new TimedImpl(1));
      long before = System.currentTimeMillis();
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("slow T-1", tools.slow("T-1"));
      }
      long after = System.currentTimeMillis();
      AuditEvent call = callOf(f.drainedEvents(), "tickets.slow");
      assertTrue(call.durationMicros() >= 30_000, "the body slept 30 ms: " + call.durationMicros());
      long ts = Instant.parse(call.ts()).toEpochMilli();
      assertTrue(ts >= before && ts <= after, "the derived wall time is the system time: " + before + " <= " + ts
          + " <= " + after);
    }
  }

  @Test // docs/security-cases.md #112
  void anObligationThatWaitsIsNotCountedAsTheToolsTime() {
    try (SystemClockGuard f = new SystemClockGuard(b -> b.obligations((r, t, allow) -> {
      sleep(60); // e.g. a remote check before the body
      return null;
    }))) {
      Timed tools = f.guard.protect(Timed.class, new TimedImpl(1));
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("slow T-1", tools.slow("T-1"));
      }
      long micros = callOf(f.drainedEvents(), "tickets.slow").durationMicros();
      assertTrue(micros >= 30_000 && micros < 60_000, "the body's 30 ms, not the obligation's 60: " + micros);
    }
  }

  @Test // docs/security-cases.md #112
  void aWaitForAuditRoomUnderBlockIsNotCountedAsTheToolsTime() throws Exception {
    TimedImpl impl = new TimedImpl(CAPACITY);
    try (SystemClockGuard f = new SystemClockGuard(b -> b
        .auditQueueCapacity(CAPACITY).auditOverflow(AuditOverflow.BLOCK, Duration.ZERO))) {
      Timed tools = f.guard.protect(Timed.class, impl);
      try (AgentTask task = f.guard.startTask(allScopes())) {
        List<Future<String>> holders = new ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
          holders.add(pool.submit(task.wrap(() -> tools.held("T-" + 1))));
        }
        assertTrue(impl.entered.await(10, TimeUnit.SECONDS), "every slot is held by a call in its body");
        Future<String> waiting = pool.submit(task.wrap(() -> tools.slow("T-2")));
        Thread.sleep(100); // the waiting call has no room for 100 ms
        assertTrue(!waiting.isDone(), "under BLOCK the call waits for room before its body");
        impl.release.countDown();
        for (Future<String> h : holders) {
          h.get(10, TimeUnit.SECONDS);
        }
        assertEquals("slow T-2", waiting.get(10, TimeUnit.SECONDS));
      }
      long micros = callOf(f.drainedEvents(), "tickets.slow").durationMicros();
      assertTrue(micros >= 30_000 && micros < 100_000, "the body's 30 ms, not the 100 ms wait for room: " + micros);
    }
  }

  @Test // docs/security-cases.md #111
  void anExpiredCredentialIsDeniedOnTheSystemClock() throws Exception {
    try (SystemClockGuard f = new SystemClockGuard(b -> b)) {
      Timed tools = f.guard.protect(Timed.class, new TimedImpl(1));
      try (AgentTask task = f.guard.startTask(TaskSpec.builder(GuardFixture.SUPPORT_BOT)
          .scopes("tickets.*").ttl(Duration.ofSeconds(3)).build())) {
        assertEquals("slow T-1", tools.slow("T-1"));
        long expiresAt = task.credential().expiresAt().toEpochMilli();
        while (System.currentTimeMillis() <= expiresAt + 20) {
          Thread.sleep(20); // until the credential expired by the system clock
        }
        AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> tools.slow("T-2"));
        assertEquals(DenyCode.CREDENTIAL_EXPIRED, denied.decision().code());
      }
    }
  }
}
