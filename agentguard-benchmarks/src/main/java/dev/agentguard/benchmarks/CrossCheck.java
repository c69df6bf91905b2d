package dev.agentguard.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Proves that an engine returns the {@link ReferenceEvaluator reference} decision on the three
 * fixed requests and on a set of random ones, with the request prepared and (the fixed ones and
 * the first {@link #PER_CALL_RANDOM} random ones) built per call. Benchmarks run it in their setup and refuse to time
 * an engine that disagrees; the module's unit test runs it in the normal build.
 *
 * @since 0.1.0
 */
public final class CrossCheck {
  /** Seed of the random requests. */
  public static final long REQUEST_SEED = 42L;

  /**
   * How many of the random requests are also checked built per call (the fixed three always are):
   * the per-call path builds the same objects as {@link Engine#prepare}, and uncached Cedar costs
   * up to a second per decision.
   */
  public static final int PER_CALL_RANDOM = 50;

  private CrossCheck() {}

  /**
   * Checks {@code engine} on {@code scenario} with the three fixed requests and
   * {@code randomCount} random ones.
   *
   * @throws IllegalStateException naming every disagreeing request, if any
   */
  public static void verify(Engine engine, Scenario scenario, int randomCount) {
    ReferenceEvaluator reference = new ReferenceEvaluator(scenario);
    List<Scenario.Request> requests = new ArrayList<>(scenario.fixedRequests());
    requests.addAll(scenario.randomRequests(randomCount, REQUEST_SEED));
    List<String> problems = new ArrayList<>();
    int expectedFixed = 0;
    int checked = 0;
    for (Scenario.Request request : requests) {
      boolean expected = reference.allowed(request);
      if (expectedFixed < 3) {
        boolean wanted = request.name().equals("allow");
        if (expected != wanted) {
          problems.add("reference itself gives " + expected + " for " + request);
        }
        expectedFixed++;
      }
      check(problems, request, "prepared", () -> engine.prepare(request).getAsBoolean(), expected);
      if (checked++ < 3 + PER_CALL_RANDOM) {
        check(problems, request, "per-call", () -> engine.perCall(request).getAsBoolean(), expected);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(engine.name() + " disagrees with the reference at N="
          + scenario.size() + " in " + problems.size() + " checks of " + requests.size()
          + " requests (prepared; the fixed and the first " + PER_CALL_RANDOM + " random ones also built per call), first: " + problems.subList(0, Math.min(5, problems.size())));
    }
  }

  private static void check(List<String> problems, Scenario.Request request, String mode,
      BooleanSupplier decision, boolean expected) {
    boolean actual;
    try {
      actual = decision.getAsBoolean();
    } catch (RuntimeException e) {
      problems.add(request + " (" + mode + ") -> " + e);
      return;
    }
    if (actual != expected) {
      problems.add(request + " (" + mode + ") -> " + actual + ", reference " + expected);
    }
  }
}
