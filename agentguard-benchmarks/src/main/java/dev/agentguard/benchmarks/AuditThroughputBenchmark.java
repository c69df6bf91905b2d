package dev.agentguard.benchmarks;

import dev.agentguard.core.AuditLog;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sustained throughput of audited LOW-risk calls through the guard, with the JSON Lines sink
 * writing every event to a file (the default BLOCK overflow policy makes the caller wait when the
 * writer falls behind, so this is the rate the sink sustains, not the rate of enqueueing). At the
 * end of the trial the guard is closed and the file is checked: {@link AuditLog#verify} must pass
 * and it must hold one {@code tickets.read} record (the decision with its outcome) for every call made; otherwise the teardown
 * throws and the run fails.
 *
 * <p>After each iteration it prints the writer thread's CPU time per call of that iteration
 * ({@code writer CPU: <ns>/call, <share>% of the iteration}): the writer's cost per record, which
 * load on the machine moves far less than the calls/s, and whether the writer was saturated.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar AuditThroughputBenchmark \
 *     -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 *
 * @since 0.1.0
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class AuditThroughputBenchmark {
  /** {@code jsonl}: fsync after every batch (the default); {@code jsonl-fsync1s}: at most once a second. */
  @Param({"jsonl", "jsonl-fsync1s"})
  public String audit;

  private GuardFixture fixture;
  private GuardFixture.BenchTools guarded;
  private long calls;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long iterationCalls;
  private long iterationCpuNanos;
  private long iterationStartNanos;

  /** Builds the guard and binds the task to this benchmark thread. */
  @Setup(Level.Trial)
  public void setUp() {
    fixture = new GuardFixture(audit);
    guarded = fixture.guarded;
    calls = 0;
  }

  /** Notes the writer thread's CPU time and the calls made so far. */
  @Setup(Level.Iteration)
  public void startIteration() {
    iterationCalls = calls;
    iterationCpuNanos = writerCpuNanos();
    iterationStartNanos = System.nanoTime();
  }

  /** Prints the writer thread's CPU time per call of the iteration and its share of the wall time. */
  @TearDown(Level.Iteration)
  public void endIteration() {
    long wall = System.nanoTime() - iterationStartNanos;
    long cpu = writerCpuNanos() - iterationCpuNanos;
    long n = calls - iterationCalls;
    System.out.printf("writer CPU: %d ns/call, %d%% of the iteration (%d calls)%n", n == 0 ? 0 : cpu / n,
        100 * cpu / Math.max(1, wall), n);
  }

  /** CPU time of the guard's audit writer thread so far, or 0 when it is not found. */
  private long writerCpuNanos() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (AuditPipeline.THREAD_NAME.equals(t.getName())) {
        return threads.getThreadCpuTime(t.getId());
      }
    }
    return 0;
  }

  /** Closes the guard, then verifies that the file holds every call's event. */
  @TearDown(Level.Trial)
  public void verifyAuditFile() {
    fixture.close();
    try {
      VerificationReport report = AuditLog.verify(fixture.auditFile);
      if (!report.ok()) {
        throw new IllegalStateException("audit file does not verify: " + report.problem());
      }
      // one record per LOW call since 0.2.0: the decision carries the outcome
      long records = count(fixture.auditFile, "tool.decision", "\"outcome\":\"success\"");
      long completions = count(fixture.auditFile, "tool.completed", "");
      if (records != calls || completions != 0) {
        throw new IllegalStateException("audit file holds " + records + " tickets.read records with an outcome"
            + " and " + completions + " separate completions for " + calls + " calls");
      }
      System.out.println("audit file verified: " + report.eventsChecked() + " events, " + calls
          + " calls");
    } finally {
      fixture.deleteFiles();
    }
  }

  /**
   * Counts the tickets.read events of one type, streaming (the file can hold millions of
   * events; {@link AuditLog#verify} has already parsed and chained every line).
   */
  static long count(Path file, String type, String also) {
    String typeField = "\"type\":\"" + type + "\"";
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(typeField)
          && l.contains("\"tool\":\"tickets.read\"") && l.contains(also)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One audited LOW-risk call. */
  @Benchmark
  public String auditedCall() {
    calls++;
    return guarded.read("T-1");
  }
}
