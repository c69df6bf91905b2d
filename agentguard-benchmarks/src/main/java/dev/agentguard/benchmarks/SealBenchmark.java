package dev.agentguard.benchmarks;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.ChainHead;
import dev.agentguard.core.internal.audit.ChainSealer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit writer's CPU cost per record without the file: sealing (bounding, encoding, chaining
 * with SHA-256) the one record of an allowed LOW-risk call with the members the standard guard
 * scenario writes ({@link AuditThroughputBenchmark}'s record), on one thread. The writer thread's
 * ceiling is about 1 s divided by this plus the file write; load on the machine moves this less
 * than the sustained calls/s.
 *
 * <p>Run: {@code java -jar agentguard-benchmarks/target/benchmarks.jar SealBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc},
 * or, as thread CPU time (which time spent waiting for a shared core does not count), the
 * {@link #main} of this class: {@code java -cp agentguard-benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.SealBenchmark}.
 *
 * @since 0.2.0
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class SealBenchmark {
  private ChainSealer sealer;
  private long micros;

  /** A sealer that starts a chain, its run opened and a policy loaded, as the writer's is. */
  @Setup(Level.Trial)
  public void setUp() {
    sealer = new ChainSealer(ChainHead.GENESIS, "bf7b9b4fe48dae5b-");
    sealer.sealLine(AuditEvent.builder(AuditEvent.AUDIT_OPENED), "2026-12-02T04:12:43.662Z", null);
    sealer.sealLine(AuditEvent.builder(AuditEvent.POLICY_LOADED).policyVersion("bench-v1"),
        "2026-12-02T04:12:43.662Z", null);
  }

  /** Seals one call's record (the content built per call, as the writer builds it); returns its length. */
  @Benchmark
  public int sealCall() {
    AuditEvent.Builder b = AuditEvent.builder(AuditEvent.TOOL_DECISION).agent("agent-bench")
        .onBehalfOf("user:bench").task("task-octKi0OZNuKZXZ2XK81sdA").credential("iOEZxzlFKf0ioFYrcB2XLA")
        .tool("tickets.read").action("read").risk("low").attributes(ATTRIBUTES).decision("ALLOW")
        .reasons(REASONS).policies(POLICIES).policyVersion("bench-v1").outcome("success")
        .durationMicros(micros++ & 15);
    sealer.sealLine(b, "2026-12-02T04:12:43.662Z", null);
    return sealer.lineLength();
  }

  /**
   * Seals 30 rounds of 200,000 records on this thread and prints the least thread CPU time per
   * record of the last 20 rounds, and the total line bytes (equal for equal output).
   *
   * @param args unused
   */
  public static void main(String[] args) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SealBenchmark b = new SealBenchmark();
    b.setUp();
    int n = 200_000;
    long best = Long.MAX_VALUE;
    long bytes = 0;
    for (int r = 0; r < 30; r++) {
      long c0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        bytes += b.sealCall();
      }
      long c = mx.getCurrentThreadCpuTime() - c0;
      if (r >= 10) {
        best = Math.min(best, c);
      }
    }
    System.out.printf("seal: %.1f ns CPU per record (least of 20 rounds of %d), %d line bytes%n",
        (double) best / n, n, bytes);
  }

  private static final Map<String, Object> ATTRIBUTES = Map.of("resource.id", "T-1");
  private static final List<String> REASONS = List.of("permitted by bench-permit");
  private static final List<String> POLICIES = List.of("bench-permit");
}
