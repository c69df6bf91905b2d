package dev.agentguard.benchmarks;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditHealth;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many threads on one guard: every benchmark thread binds its own task on the same guard and calls
 * the LOW-risk tool ({@code guardedLowRisk}), or enqueues a small record into the same audit pipeline
 * ({@code auditEnqueue}), or reserves a one-record call's slot and enqueues its record
 * ({@code reservedCall}: the audit part of {@code guardedLowRisk}, without the guard). All use
 * {@link AuditOverflow#GAP} with the discard sink, so no caller ever waits for the writer and what is
 * left is the callers' own cost and the contention between them (the queue, shared counters, the
 * task registry). The writer cannot keep up with several threads, so most calls find the queue full
 * and are counted in a gap: the tear-down prints how many were written and how many gap-counted.
 * Compare {@code -t 1}, {@code -t 8} and {@code -t 16}: on a machine with fewer cores than threads the
 * time per op grows with the threads even without contention, so read the scaling against the cores,
 * and the JFR monitor/park events or a per-thread CPU profile for contention.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * for t in 1 8 16; do java -jar agentguard-benchmarks/target/benchmarks.jar GuardThreadsBenchmark \
 *     -t $t -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc; done
 * </pre>
 *
 * @since 0.2.0
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class GuardThreadsBenchmark {

  /** The guard and the pipeline every thread shares. */
  @State(Scope.Benchmark)
  public static class Shared {
    AgentGuard guard;
    GuardFixture.BenchTools guarded;
    AuditPipeline pipeline;

    /** Builds one guard (discard sink, GAP) and one bare pipeline (discard sink, GAP). */
    @Setup(Level.Trial)
    public void setUp() {
      guard = AgentGuard.builder()
          .policy(PolicySet.parse(GuardFixture.POLICY, "guard-threads-bench"))
          .auditSink(GuardFixture.DISCARD)
          .auditOverflow(AuditOverflow.GAP, Duration.ZERO)
          .maxTaskTtl(Duration.ofHours(2))
          .build();
      guarded = guard.protect(GuardFixture.BenchTools.class, new GuardFixture.BenchToolsImpl());
      pipeline = AuditPipeline.start(AuditConfig.defaults(List.of(GuardFixture.DISCARD))
          .withOverflow(AuditOverflow.GAP, Duration.ZERO));
    }

    /** Closes the guard and the pipeline; prints what the writers wrote and what GAP counted. */
    @TearDown(Level.Trial)
    public void tearDown() {
      AuditHealth g = guard.auditHealth();
      AuditHealth p = pipeline.health();
      System.out.printf("%nguard audit: written %d, gap-counted %d; pipeline: written %d, gap-counted %d%n",
          g.written(), g.gaps(), p.written(), p.gaps());
      guard.close();
      pipeline.close();
    }
  }

  /** One task per benchmark thread, bound to it. */
  @State(Scope.Thread)
  public static class PerThread {
    AgentTask task;

    /** Starts (and binds to this thread) a task on the shared guard. */
    @Setup(Level.Trial)
    public void setUp(Shared shared) {
      task = GuardFixture.startBenchTask(shared.guard);
    }

    /** Closes this thread's task. */
    @TearDown(Level.Trial)
    public void tearDown() {
      task.close();
    }
  }

  /** The LOW-risk tool through the shared guard, on this thread's task. */
  @Benchmark
  public String guardedLowRisk(Shared shared, PerThread thread) {
    return shared.guarded.read("T-1");
  }

  /** A one-record call's slot reserved and its record enqueued, on the shared pipeline. */
  @Benchmark
  public boolean reservedCall(Shared shared) {
    Reserved call = new Reserved();
    if (!shared.pipeline.reserveCall(call)) {
      return false;
    }
    call.outcome(null, 1);
    return shared.pipeline.recordOutcome(call);
  }

  /** A one-record call like the guard's LOW-risk call: fixed content, built only by the writer. */
  static final class Reserved extends ToolCallRecord {
    Reserved() {
      super(1_764_324_000_000L);
    }

    @Override
    protected AuditEvent.Builder content() {
      return AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").tool("tickets.read").decision("ALLOW");
    }
  }

  /** One small record into the shared pipeline. */
  @Benchmark
  public boolean auditEnqueue(Shared shared) {
    return shared.pipeline.record(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task("t").outcome("success"));
  }
}
