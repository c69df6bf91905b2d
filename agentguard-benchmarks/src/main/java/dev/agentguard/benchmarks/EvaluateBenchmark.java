package dev.agentguard.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * One authorization decision per operation, for every engine, at N = 10, 1,000 and 10,000 rules,
 * on the three fixed requests of the shared {@link Scenario}: {@code allow}, {@code denyForbid}
 * and {@code denyNoMatch}, with the engine's request objects either prepared once or built in
 * every call ({@link #request}). Each operation takes the next of {@link #VARIANTS} variants of its
 * request ({@link Scenario#variants}: fresh string instances, the host cycling), so the values
 * differ from call to call and nothing folds into a constant. The setup loads the engine, prepares
 * the requests, and runs the {@link CrossCheck} against the naive reference, the variants included;
 * an engine that disagrees throws there and is never timed.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar EvaluateBenchmark \
 *     -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 * or one engine: {@code ... EvaluateBenchmark -p engine=agentguard -p n=10}; the request built inside
 * every call: {@code ... -p request=per-call}. The full suite with
 * fixed JVM flags: {@code agentguard-benchmarks/run-benchmarks.sh}.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class EvaluateBenchmark {

  /** The engine, by {@link Engines} name. */
  @Param({"agentguard", "jcasbin", "cedar", "cedar-cached", "spring"})
  public String engine;

  /** Number of permit rules. */
  @Param({"10", "1000", "10000"})
  public int n;

  /**
   * {@code prepared}: the engine's request objects are built once in the setup ({@link Engine#prepare});
   * {@code per-call}: they are built, caller identity included, inside every timed call
   * ({@link Engine#perCall}), as an adapter that receives a tool call must.
   *
   * @since 0.2.0
   */
  @Param({"prepared", "per-call"})
  public String request;

  /** Variants of each request taken in turn (a power of two). */
  public static final int VARIANTS = 8;

  private BooleanSupplier[] allow;
  private BooleanSupplier[] denyForbid;
  private BooleanSupplier[] denyNoMatch;
  private int next;

  /** Loads and cross-checks the engine, then prepares the three requests. */
  @Setup(Level.Trial)
  public void setUp() {
    Scenario scenario = Scenario.generate(n);
    Engine e = Engines.create(engine, scenario);
    CrossCheck.verify(e, scenario, crossCheckSize(engine, n));
    boolean perCall = switch (request) {
      case "prepared" -> false;
      case "per-call" -> true;
      default -> throw new IllegalArgumentException("request must be prepared or per-call, not " + request);
    };
    ReferenceEvaluator reference = new ReferenceEvaluator(scenario);
    allow = suppliers(e, reference, scenario.allow(), perCall, true);
    denyForbid = suppliers(e, reference, scenario.denyForbid(), perCall, false);
    denyNoMatch = suppliers(e, reference, scenario.denyNoMatch(), perCall, false);
  }

  /**
   * The suppliers of {@code r}'s variants, each checked once: the reference and the engine must
   * both decide it {@code expected}.
   */
  private BooleanSupplier[] suppliers(Engine e, ReferenceEvaluator reference, Scenario.Request r,
      boolean perCall, boolean expected) {
    List<Scenario.Request> variants = Scenario.variants(r, VARIANTS);
    BooleanSupplier[] out = new BooleanSupplier[VARIANTS];
    for (int i = 0; i < VARIANTS; i++) {
      Scenario.Request v = variants.get(i);
      out[i] = perCall ? e.perCall(v) : e.prepare(v);
      if (reference.allowed(v) != expected || out[i].getAsBoolean() != expected) {
        throw new IllegalStateException(engine + " or the reference does not decide " + v + " " + expected);
      }
    }
    return out;
  }

  private int next() {
    return next++ & (VARIANTS - 1);
  }

  /**
   * How many random requests the cross-check uses: 300, except for uncached Cedar, whose every
   * decision re-sends and re-parses the whole policy set (about 60 ms at N=1,000): 50 there at
   * N=1,000 and 20 at N=10,000, on top of the three fixed requests.
   */
  public static int crossCheckSize(String engine, int n) {
    if (engine.equals("cedar") && n >= 1_000) {
      return n >= 10_000 ? 20 : 50;
    }
    return 300;
  }

  /** http.post to an allowlisted host: allowed. */
  @Benchmark
  public boolean allow() {
    return allow[next()].getAsBoolean();
  }

  /** http.post to another host: denied by the forbid. */
  @Benchmark
  public boolean denyForbid() {
    return denyForbid[next()].getAsBoolean();
  }

  /** tickets.read on restricted data: no permit matches. */
  @Benchmark
  public boolean denyNoMatch() {
    return denyNoMatch[next()].getAsBoolean();
  }
}
