package dev.agentguard.benchmarks;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.Decision;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.policy.CompiledPolicySet;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What shadow evaluation adds to a guarded LOW-risk call on the caller's thread. {@code shadow}:
 * {@code none} (the live set alone), {@code rules} (the live set carries three {@code mode: shadow}
 * rules that select the call: one unconditional, one conditional, one that cannot be evaluated),
 * {@code set-agrees} (a candidate policy set that decides the call like the live one),
 * {@code set-disagrees} (a candidate set that denies it, so the record carries the shadow fields).
 * Audit goes to a sink that drops events with overflow GAP, so the caller never waits for the
 * pipeline and only the caller thread's cost is measured. The shadow cost is the difference to
 * {@code none}. The audit writer thread runs in the same process, so on a busy machine
 * {@code guardedRead} is noisy and its B/op includes the writer's allocation per event.
 *
 * <p>{@code policyOnly} and {@code policyAndShadow} take the same decision without a guard or any
 * other thread: the live set's {@code evaluate}, then what the guard's shadow step adds (the live
 * set's {@code shadowResults} and the candidate set's {@code evaluate} with the comparison). Their
 * difference is the shadow cost on the caller's thread, and their B/op is load-independent.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar ShadowBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
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
public class ShadowBenchmark {
  static final String SHADOW_RULES = String.join("\n",
      "  - id: shadow-all",
      "    effect: forbid",
      "    mode: shadow",
      "    tools: [\"tickets.*\"]",
      "  - id: shadow-vip",
      "    effect: forbid",
      "    mode: shadow",
      "    tools: [\"tickets.read\"]",
      "    when: resource.id.startsWith('VIP-')",
      "  - id: shadow-broken",
      "    effect: forbid",
      "    mode: shadow",
      "    tools: [\"tickets.read\"]",
      "    when: resource.missing == 1",
      "");

  static final String DENYING_CANDIDATE = GuardFixture.POLICY + String.join("\n",
      "  - id: candidate-no-reads",
      "    effect: forbid",
      "    tools: [\"tickets.read\"]",
      "");

  /** The shadow setup (see the class comment). */
  @Param({"none", "rules", "set-agrees", "set-disagrees"})
  public String shadow;

  private PolicySet liveSet;
  private PolicySet shadowSet;
  private AgentIdentity agent;
  private ToolRequest request;
  private AgentGuard guard;
  private AgentTask task;
  private GuardFixture.BenchTools guarded;

  /** Builds the guard and binds a task to this benchmark thread. */
  @Setup(Level.Trial)
  public void setUp() {
    String live = shadow.equals("rules") ? GuardFixture.POLICY + SHADOW_RULES : GuardFixture.POLICY;
    AgentGuard.Builder b = AgentGuard.builder()
        .policy(PolicySet.parse(live, "shadow-bench"))
        .auditSink(GuardFixture.DISCARD)
        .auditOverflow(AuditOverflow.GAP, Duration.ZERO)
        .maxTaskTtl(Duration.ofHours(2));
    liveSet = PolicySet.parse(live, "shadow-bench");
    agent = AgentIdentity.of("agent-bench");
    request = ToolRequest.builder("tickets.read").risk(Risk.LOW).attribute("resource.id", "T-1")
        .attribute("context.environment", "prod").build();
    if (shadow.equals("set-agrees")) {
      shadowSet = PolicySet.parse(GuardFixture.POLICY + "  - id: extra\n    effect: permit\n    tools: [\"x.y\"]\n");
      b.shadowPolicy(shadowSet);
    } else if (shadow.equals("set-disagrees")) {
      shadowSet = PolicySet.parse(DENYING_CANDIDATE);
      b.shadowPolicy(shadowSet);
    } else if (!shadow.equals("none") && !shadow.equals("rules")) {
      throw new IllegalArgumentException("unknown shadow setup '" + shadow + "'");
    }
    guard = b.build();
    guarded = guard.protect(GuardFixture.BenchTools.class, new GuardFixture.BenchToolsImpl());
    task = guard.startTask(TaskSpec.builder(AgentIdentity.of("agent-bench"))
        .scopes("tickets.read", "http.post").context("environment", "prod").ttl(Duration.ofHours(1)).build());
    if (!"ticket".equals(guarded.read("T-1"))) {
      throw new IllegalStateException("the guarded tool did not run");
    }
  }

  /** Closes the task and the guard. */
  @TearDown(Level.Trial)
  public void tearDown() {
    task.close();
    guard.close();
  }

  /** The live decision alone, no guard. */
  @Benchmark
  public Decision policyOnly() {
    return liveSet.evaluate(agent, request, null, 0L);
  }

  /** The live decision plus the shadow work the guard's policy step adds, no guard. */
  @Benchmark
  public Object policyAndShadow() {
    Decision d = liveSet.evaluate(agent, request, null, 0L);
    List<String> results = ((CompiledPolicySet) liveSet).shadowResults(agent, request, null, 0L);
    if (shadowSet != null) {
      Decision s = shadowSet.evaluate(agent, request, null, 0L);
      return s.allowed() != d.allowed() || s.code() != d.code() ? s : results;
    }
    return results.isEmpty() ? d : results;
  }

  /** A LOW-risk guarded call. */
  @Benchmark
  public String guardedRead() {
    return guarded.read("T-1");
  }
}
