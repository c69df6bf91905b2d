package dev.agentguard.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every engine agrees with the naive reference on the three fixed requests and on a few hundred
 * random ones, at N = 10 and N = 1,000 (the benchmark setup repeats this check and refuses to time
 * an engine that fails it).
 */
class EngineCrossCheckTest {

  static Stream<Arguments> enginesAndSizes() {
    return Engines.NAMES.stream()
        .flatMap(name -> Stream.of(10, 1_000).map(n -> Arguments.of(name, n)));
  }

  @ParameterizedTest(name = "{0} at N={1}")
  @MethodSource("enginesAndSizes")
  void engineAgreesWithReference(String name, int n) {
    Scenario scenario = Scenario.generate(n);
    Engine engine = Engines.create(name, scenario);
    BooleanSupplier allow = engine.prepare(scenario.allow());
    assertTrue(allow.getAsBoolean(), "allow request");
    assertFalse(engine.prepare(scenario.denyForbid()).getAsBoolean(), "deny_forbid request");
    assertFalse(engine.prepare(scenario.denyNoMatch()).getAsBoolean(), "deny_nomatch request");
    CrossCheck.verify(engine, scenario, EvaluateBenchmark.crossCheckSize(name, n));
  }

  @Test
  void scenarioIsDeterministicAndHasTheChosenAgentsGrantAtEverySize() {
    for (int n : new int[] {1, 10, 1_000, 10_000}) {
      Scenario a = Scenario.generate(n);
      assertEquals(a.rules(), Scenario.generate(n).rules());
      assertEquals(Math.max(1, n / 2), a.agents().size());
      ReferenceEvaluator ref = new ReferenceEvaluator(a);
      assertTrue(ref.allowed(a.allow()), "allow at N=" + n);
      assertFalse(ref.allowed(a.denyForbid()), "deny_forbid at N=" + n);
      assertFalse(ref.allowed(a.denyNoMatch()), "deny_nomatch at N=" + n);
      assertTrue(a.rules().stream().anyMatch(r -> r.agent().equals(a.chosenAgent())
          && r.tools().contains("http.post") && r.environment().equals("prod")
          && r.maxSensitivity() >= 1));
    }
  }

  @Test
  void randomRequestsMixAllowsAndDenies() {
    Scenario s = Scenario.generate(1_000);
    ReferenceEvaluator ref = new ReferenceEvaluator(s);
    long allowed = s.randomRequests(400, CrossCheck.REQUEST_SEED).stream()
        .filter(ref::allowed).count();
    assertTrue(allowed > 40 && allowed < 360, "allowed " + allowed + " of 400");
  }

  @Test
  void crossCheckRejectsAnEngineThatDisagrees() {
    Scenario s = Scenario.generate(10);
    Engine allowAll = new Engine() {
      @Override
      public String name() {
        return "allow-all";
      }

      @Override
      public BooleanSupplier prepare(Scenario.Request request) {
        return () -> true;
      }

      @Override
      public BooleanSupplier perCall(Scenario.Request request) {
        return () -> true;
      }
    };
    assertThrows(IllegalStateException.class, () -> CrossCheck.verify(allowAll, s, 50));
  }

  @Test
  void crossCheckRejectsAnEngineThatIsWrongOnlyWhenTheRequestIsBuiltPerCall() {
    Scenario s = Scenario.generate(10);
    Engine right = new AgentGuardEngine(s);
    Engine wrongPerCall = new Engine() {
      @Override
      public String name() {
        return "wrong-per-call";
      }

      @Override
      public BooleanSupplier prepare(Scenario.Request request) {
        return right.prepare(request);
      }

      @Override
      public BooleanSupplier perCall(Scenario.Request request) {
        return () -> true;
      }
    };
    CrossCheck.verify(right, s, 50);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> CrossCheck.verify(wrongPerCall, s, 50));
    assertTrue(e.getMessage().contains("(per-call)"), e.getMessage());
  }
}
