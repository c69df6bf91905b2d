package dev.agentguard.benchmarks;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AccessDeniedException;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.redis.RedisFleet;
import dev.agentguard.redis.RedisTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of running a guard in a Redis fleet (agentguard-redis), on a real Redis server on
 * loopback started by the benchmark (the test harness of agentguard-redis).
 *
 * <p>JMH, per-call latency of a LOW-risk guarded call: {@code store=memory} (the in-memory
 * revocation store and rate windows), {@code store=redis} (the fleet's revocation store: the check
 * reads the local mirror, no round trip), {@code store=redis-rate} (the fleet store plus a fleet
 * {@code maxCallsPerMinute} on the tool: one Lua round trip per call). Audit events are discarded
 * with the GAP overflow, so only the caller's cost is measured.
 *
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar FleetBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 *
 * <p>{@link #main}: propagation, the time from {@code revokeAgent} returning on guard A to the first
 * denied call on each of guards B, C and D (one fleet connection each, one spinning caller thread
 * each), p50/p99/max over many runs:
 *
 * <pre>
 * java -cp agentguard-benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.FleetBenchmark 300
 * </pre>
 *
 * @since 0.2.0
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class FleetBenchmark {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: bench-permit",
      "    effect: permit",
      "    agents: [\"agent-*\"]",
      "    tools: [\"tickets.read\", \"http.post\"]",
      "");
  static final String RATE_POLICY = POLICY + String.join("\n",
      "limits:",
      "  - id: fleet-rate",
      "    tools: [\"tickets.read\"]",
      "    maxCallsPerMinute: 1000000000",
      "");

  /** {@code memory}, {@code redis} or {@code redis-rate}, see the class comment. */
  @Param({"memory", "redis", "redis-rate"})
  public String store;

  private RedisTestServer redis;
  private RedisFleet fleet;
  private AgentGuard guard;
  private AgentTask task;
  private GuardFixture.BenchTools guarded;

  /** Starts Redis (unless in-memory), the guard, and binds a task to the benchmark thread. */
  @Setup(Level.Trial)
  public void setUp() {
    AgentGuard.Builder b = AgentGuard.builder()
        .policy(PolicySet.parse(store.equals("redis-rate") ? RATE_POLICY : POLICY, "fleet-bench"))
        .auditSink(GuardFixture.DISCARD)
        .auditOverflow(AuditOverflow.GAP, Duration.ZERO)
        .maxTaskTtl(Duration.ofHours(2));
    if (!store.equals("memory")) {
      redis = RedisTestServer.start();
      fleet = RedisFleet.builder().uri(redis.uri().toString()).namespace("bench").build();
      b.revocationStore(fleet.revocationStore()).rateWindows(fleet.rateWindows());
    }
    guard = b.build();
    guarded = guard.protect(GuardFixture.BenchTools.class, new GuardFixture.BenchToolsImpl());
    task = guard.startTask(spec("agent-bench"));
    if (!"ticket".equals(guarded.read("T-1"))) {
      throw new IllegalStateException("the guarded tool did not run");
    }
  }

  /** Closes everything, Redis last. */
  @TearDown(Level.Trial)
  public void tearDown() {
    task.close();
    guard.close();
    if (fleet != null) {
      fleet.close();
      redis.close();
    }
  }

  /** One LOW-risk guarded call. */
  @Benchmark
  public String guardedCall() {
    return guarded.read("T-1");
  }

  static TaskSpec spec(String agent) {
    return TaskSpec.builder(AgentIdentity.of(agent)).scopes("tickets.read").ttl(Duration.ofHours(1)).build();
  }

  /**
   * Measures propagation with 4 guards and prints p50, p99 and max.
   *
   * @param args the number of runs (default 300)
   */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int followers = 3;
    try (RedisTestServer redis = RedisTestServer.start()) {
      List<RedisFleet> fleets = new ArrayList<>();
      List<AgentGuard> guards = new ArrayList<>();
      for (int i = 0; i < followers + 1; i++) {
        RedisFleet f = RedisFleet.builder().uri(redis.uri().toString()).namespace("bench").build();
        AgentGuard g = AgentGuard.builder().policy(PolicySet.parse(POLICY, "fleet-bench"))
            .auditSink(GuardFixture.DISCARD).auditOverflow(AuditOverflow.GAP, Duration.ZERO)
            .revocationStore(f.revocationStore()).rateWindows(f.rateWindows()).build();
        f.register(g);
        fleets.add(f);
        guards.add(g);
      }
      AgentGuard a = guards.get(0);
      long[] nanos = new long[runs * followers];
      CyclicBarrier ready = new CyclicBarrier(followers + 1);
      long[] revokedAt = new long[1];
      CyclicBarrier go = new CyclicBarrier(followers + 1);
      CountDownLatch finished = new CountDownLatch(followers);
      for (int f = 0; f < followers; f++) {
        int index = f;
        AgentGuard g = guards.get(f + 1);
        GuardFixture.BenchTools tools = g.protect(GuardFixture.BenchTools.class, new GuardFixture.BenchToolsImpl());
        Thread t = new Thread(() -> {
          try {
            for (int run = 0; run < runs; run++) {
              AgentTask task = g.startTask(spec("agent-" + run));
              tools.read("warm");
              ready.await();
              go.await();
              while (true) {
                try {
                  tools.read("T");
                } catch (AccessDeniedException denied) {
                  nanos[run * followers + index] = System.nanoTime() - revokedAt[0];
                  break;
                }
                LockSupport.parkNanos(5_000);
              }
              task.close();
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          } finally {
            finished.countDown();
          }
        }, "follower-" + f);
        t.setDaemon(true);
        t.start();
      }
      for (int run = 0; run < runs; run++) {
        ready.await();
        a.revokeAgent("agent-" + run);
        revokedAt[0] = System.nanoTime();
        go.await();
      }
      if (!finished.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a follower never saw a revocation");
      }
      Arrays.sort(nanos);
      System.out.printf("propagation revokeAgent(A) -> first denied call on B/C/D, %d runs x %d guards:"
          + " p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", runs, followers,
          nanos[nanos.length / 2] / 1e6, nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6,
          nanos[nanos.length - 1] / 1e6);
      guards.forEach(AgentGuard::close);
      fleets.forEach(RedisFleet::close);
    }
  }
}
