package dev.agentguard.benchmarks;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import java.util.function.BooleanSupplier;

/**
 * The scenario in AgentGuard: {@link PolicySet#parse(String, String)} of the document from
 * {@link AgentGuardPolicies#yaml(Scenario)}, decided with
 * {@link PolicySet#evaluate(AgentIdentity, ToolRequest)}. The request carries
 * {@code resource.sensitivity} (as the {@link Sensitivity} of the request's rank, as the Cedar
 * adapter passes the rank as a long), {@code context.environment} and {@code destination.host} as
 * attributes.
 *
 * <p>Thread-safe: a {@link PolicySet} is immutable.
 *
 * @since 0.1.0
 */
public final class AgentGuardEngine implements Engine {
  /** Sensitivities by the scenario's rank (public 0 .. restricted 3), the enum's own order. */
  private static final Sensitivity[] BY_RANK = Sensitivity.values();

  private final PolicySet policySet;

  /**
   * Parses and compiles the scenario's policy document.
   *
   * @throws dev.agentguard.PolicyException if AgentGuard rejects the document
   */
  public AgentGuardEngine(Scenario scenario) {
    this.policySet = PolicySet.parse(AgentGuardPolicies.yaml(scenario),
        "scenario-" + scenario.size());
  }

  @Override
  public String name() {
    return "agentguard";
  }

  /** The AgentGuard request for {@code r}. */
  public static ToolRequest toolRequest(Scenario.Request r) {
    return ToolRequest.builder(r.tool())
        .attribute("resource.sensitivity", BY_RANK[r.sensitivity()])
        .attribute("context.environment", r.environment())
        .attribute("destination.host", r.host())
        .build();
  }

  @Override
  public BooleanSupplier prepare(Scenario.Request r) {
    AgentIdentity agent = AgentIdentity.of(r.agent());
    ToolRequest request = toolRequest(r);
    PolicySet set = policySet;
    return () -> set.evaluate(agent, request).allowed();
  }

  @Override
  public BooleanSupplier perCall(Scenario.Request r) {
    PolicySet set = policySet;
    String agent = r.agent();
    return () -> set.evaluate(AgentIdentity.of(agent), toolRequest(r)).allowed();
  }

  /** The loaded policy set. */
  public PolicySet policySet() {
    return policySet;
  }
}
