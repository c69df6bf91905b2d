package dev.agentguard.benchmarks;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Latency of one tool call through {@code guard.protect(...)} with a task bound to the thread,
 * against the same call on the bare object: {@code direct} (the tool alone),
 * {@code guardedLowRisk} (LOW risk: credential check, policy decision, asynchronous audit to a JSON
 * Lines file) and {@code guardedHighRisk} (HIGH risk: the JSON Lines sink must take the decision
 * record before the tool body runs). The guard overhead is {@code guardedLowRisk - direct}.
 *
 * <p>{@code audit=jsonl} audits to a JSON Lines file, so a sustained loop of LOW-risk calls runs at
 * the speed of the audit pipeline (the queue fills and the default BLOCK policy makes the caller
 * wait); {@code audit=discard} drops the events after the pipeline has sequenced and hash-chained
 * them (still BLOCK); {@code audit=discard-gap} also lets the caller go on when the queue is full
 * (GAP), which leaves the caller thread's own cost: proxy, credential, policy, enqueue. The
 * HIGH-risk call always waits for its record to be taken, whatever the overflow policy.
 * {@code audit=stalled-gap} (not in the default set: {@code -p audit=stalled-gap}) holds the writer,
 * so every LOW call drops its record into the gap: the caller's cost alone, without the writer
 * competing for two shared cores (a diagnostic, not the goal's measurement: no record is enqueued).
 * {@code twoClockReads} is the floor the clock sets: a guarded call reads it twice.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar GuardBenchmark \
 *     -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 *
 * @since 0.1.0
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class GuardBenchmark {
  /** CPU tokens of work between two paced calls. */
  static final long PACE = 2_000;

  /** The audit setup, see {@link GuardFixture#GuardFixture(String)}. */
  @Param({"jsonl", "discard", "discard-gap"})
  public String audit;

  private GuardFixture fixture;
  private GuardFixture.BenchTools direct;
  private GuardFixture.BenchTools guarded;

  /** Builds the guard and binds the task to this benchmark thread. */
  @Setup(Level.Trial)
  public void setUp() {
    fixture = new GuardFixture(audit);
    direct = fixture.direct;
    guarded = fixture.guarded;
    if (!"ticket".equals(guarded.read("T-1")) || !"sent".equals(guarded.post(GuardFixture.URL, "x"))) {
      throw new IllegalStateException("the guarded tools did not run");
    }
    if ("stalled-gap".equals(audit)) {
      fixture.stallWriter();
    }
  }

  /** Closes the guard and removes the audit file. */
  @TearDown(Level.Trial)
  public void tearDown() {
    fixture.close();
    fixture.deleteFiles();
  }

  /** The tool without the guard. */
  @Benchmark
  public String direct() {
    return direct.read("T-1");
  }

  /**
   * The two clock reads a guarded LOW-risk call makes (on arrival and when its body returns), alone:
   * the part of {@code guardedLowRisk} that is the machine's clock, not the guard.
   */
  @Benchmark
  public long twoClockReads() {
    return System.nanoTime() + System.nanoTime();
  }

  /** The LOW-risk tool through the guard. */
  @Benchmark
  public String guardedLowRisk() {
    return guarded.read("T-1");
  }

  /**
   * Work the caller does between two calls ({@link #PACE} JMH CPU tokens, a few microseconds), the
   * baseline of {@link #guardedLowRiskPaced}.
   */
  @Benchmark
  public void pacing() {
    Blackhole.consumeCPU(PACE);
  }

  /**
   * The LOW-risk call at a pace the audit writer keeps up with, so the writer catches up and waits
   * for the next record between calls, as in an application that does other work between tool calls:
   * what a call costs its caller then, over {@link #pacing}.
   */
  @Benchmark
  public String guardedLowRiskPaced() {
    Blackhole.consumeCPU(PACE);
    return guarded.read("T-1");
  }

  /** The HIGH-risk (write-ahead audited) tool through the guard. */
  @Benchmark
  public String guardedHighRisk() {
    return guarded.post(GuardFixture.URL, "payload");
  }
}
