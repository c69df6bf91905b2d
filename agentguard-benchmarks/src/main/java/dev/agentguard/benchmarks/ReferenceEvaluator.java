package dev.agentguard.benchmarks;

/**
 * The tiny naive evaluator every engine is cross-checked against: the forbid first, then a linear
 * scan of every permit rule. Deliberately obvious, never timed.
 *
 * <p>Thread-safe (stateless apart from the immutable scenario).
 *
 * @since 0.1.0
 */
public final class ReferenceEvaluator {
  private final Scenario scenario;

  /** An evaluator of {@code scenario}. */
  public ReferenceEvaluator(Scenario scenario) {
    this.scenario = scenario;
  }

  /** Whether {@code request} is allowed: no forbid matches and some permit does. */
  public boolean allowed(Scenario.Request request) {
    if (request.tool().equals(Scenario.FORBIDDEN_TOOL)
        && !Scenario.ALLOWLIST.contains(request.host())) {
      return false;
    }
    for (Scenario.Rule rule : scenario.rules()) {
      if (rule.agent().equals(request.agent())
          && rule.tools().contains(request.tool())
          && request.sensitivity() <= rule.maxSensitivity()
          && request.environment().equals(rule.environment())) {
        return true;
      }
    }
    return false;
  }
}
