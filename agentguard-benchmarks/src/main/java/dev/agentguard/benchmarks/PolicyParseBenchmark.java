package dev.agentguard.benchmarks;

import dev.agentguard.core.PolicySet;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to parse and compile a policy document of N = 10,000 rules with
 * {@link PolicySet#parse(String, String)}, one shot per iteration (what a policy load or a hot
 * reload costs). The YAML text is generated in the setup, so only parse + validate + compile +
 * index is timed.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar PolicyParseBenchmark -prof gc
 * </pre>
 * The annotations give 5 warm-up and 10 measured shots in one fork; under
 * {@code run-benchmarks.sh} the command line's {@code -wi/-i} apply instead.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PolicyParseBenchmark {

  /** Number of permit rules. */
  @Param({"10000"})
  public int n;

  private String yaml;

  /** Generates the document. */
  @Setup(Level.Trial)
  public void setUp() {
    yaml = AgentGuardPolicies.yaml(Scenario.generate(n));
  }

  /** Parses, validates, compiles and indexes the whole document. */
  @Benchmark
  public PolicySet parseAndCompile() {
    return PolicySet.parse(yaml, "scenario-" + n);
  }
}
