package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.DenyCode;
import dev.agentguard.test.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #73
/** One agent's maxCallsPerMinute is counted once across the fleet, atomically. */
class FleetRateLimitTest {
  private static final int GUARDS = 4;
  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 5;
  private static final int LIMIT = 40; // FleetNode.POLICY: fleet-rate, maxCallsPerMinute 40
  private static RedisTestServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisTestServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void fourGuardsTimesEightThreadsPassExactlyTheLimitPerWindow() throws Exception {
    FakeClock clock = FakeClock.at("2026-12-01T10:00:05Z");
    List<FleetNode> nodes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(GUARDS * THREADS);
    try {
      for (int g = 0; g < GUARDS; g++) {
        // a generous timeout: this test is about atomic counting on a busy 2-core machine; a timed-out
        // acquire is denied and may still count (conservative), which FleetOutageTest covers
        nodes.add(new FleetNode(redis, clock, f -> f.commandTimeout(Duration.ofSeconds(10)), FleetNode.POLICY));
      }
      for (int window = 0; window < 2; window++) {
        Map<DenyCode, AtomicInteger> denied = new ConcurrentHashMap<>();
        AtomicInteger allowed = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(GUARDS * THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (FleetNode node : nodes) {
          for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
              try (AgentTask task = node.start()) {
                start.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < CALLS_PER_THREAD; i++) {
                  try {
                    node.tools.limited("x");
                    allowed.incrementAndGet();
                  } catch (AccessDeniedException e) {
                    denied.computeIfAbsent(e.code(), c -> new AtomicInteger()).incrementAndGet();
                  }
                }
              }
              return null;
            }));
          }
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        int attempts = GUARDS * THREADS * CALLS_PER_THREAD;
        assertEquals(LIMIT, allowed.get(), "window " + window + ": allowed across the fleet");
        assertEquals(1, denied.size(), "only LIMIT_EXCEEDED denies: " + denied);
        assertEquals(attempts - LIMIT, denied.get(DenyCode.LIMIT_EXCEEDED).get(), "denied: " + denied);
        int bodies = nodes.stream().mapToInt(n -> n.impl.invocations.get()).sum();
        assertEquals(LIMIT * (window + 1), bodies, "tool bodies run across the fleet");
        clock.advance(Duration.ofMinutes(1)); // the next window
        // a minute's jump of the guard clock leaves each mirror unconfirmed (stale, denying) until its
        // next heartbeat: wait for that, so the next window measures counting, not staleness
        Await.until(Duration.ofSeconds(20), "every guard confirms its view at the new time",
            () -> nodes.stream().noneMatch(n -> n.fleet.revocationStore().isStale()));
      }
    } finally {
      pool.shutdownNow();
      nodes.forEach(FleetNode::close);
    }
  }

  @Test
  void aCallNoRateLimitCoversNeverTouchesTheCounter() {
    FakeClock clock = FakeClock.at("2026-12-01T11:00:05Z");
    try (FleetNode node = new FleetNode(redis, clock); RedisAdmin admin = new RedisAdmin(redis);
        AgentTask task = node.start()) {
      admin.sync().flushall();
      for (int i = 0; i < 50; i++) {
        node.tools.read("r");
      }
      assertTrue(admin.sync().keys("agentguard:{test}:rate:*").isEmpty());
      node.tools.limited("l");
      assertEquals(1, admin.sync().keys("agentguard:{test}:rate:*").size());
    }
  }
}
