package dev.agentguard.benchmarks;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What building a request costs the caller, apart from any decision: a {@link ToolRequest} with
 * two and with three attributes, and {@link AgentIdentity#of(String)} for a plain and a SPIFFE id.
 * The attribute paths are string literals (as in an adapter); the values and ids are read from
 * this state's fields so the JIT cannot fold them.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar RequestBenchmark \
 *     -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 *
 * @since 0.2.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RequestBenchmark {
  /** The tool of the scenario's allowed request. */
  public String tool = Scenario.FORBIDDEN_TOOL;
  /** {@code context.environment}. */
  public String environment = "prod";
  /** {@code destination.host}. */
  public String host = Scenario.ALLOWLIST.get(0);
  /** {@code resource.sensitivity}, as a wire name. */
  public String sensitivityName = "internal";
  /** A plain agent id, as the scenario's. */
  public String agentId = Scenario.agentId(0);
  /** A SPIFFE agent id. */
  public String spiffeId = "spiffe://acme.example/agent/support-bot";

  /** {@code builder(tool).sensitivity(..).attribute(a).attribute(b).build()}. */
  @Benchmark
  public ToolRequest toolRequestTwoAttributes() {
    return ToolRequest.builder(tool)
        .sensitivity(Sensitivity.INTERNAL)
        .attribute("context.environment", environment)
        .attribute("destination.host", host)
        .build();
  }

  /**
   * The scenario's request, as {@link AgentGuardEngine#toolRequest} builds it: {@code resource.sensitivity}
   * (a wire name), {@code context.environment}, {@code destination.host}.
   */
  @Benchmark
  public ToolRequest toolRequestThreeAttributes() {
    return ToolRequest.builder(tool)
        .attribute("resource.sensitivity", sensitivityName)
        .attribute("context.environment", environment)
        .attribute("destination.host", host)
        .build();
  }

  /** {@code AgentIdentity.of("agent-00000")}. */
  @Benchmark
  public AgentIdentity agentIdentityOf() {
    return AgentIdentity.of(agentId);
  }

  /** {@code AgentIdentity.of("spiffe://acme.example/agent/support-bot")}. */
  @Benchmark
  public AgentIdentity agentIdentityOfSpiffe() {
    return AgentIdentity.of(spiffeId);
  }
}
