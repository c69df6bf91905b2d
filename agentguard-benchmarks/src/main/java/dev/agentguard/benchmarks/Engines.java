package dev.agentguard.benchmarks;

import java.util.List;

/**
 * Builds the engines by name, as the benchmarks' {@code engine} parameter names them.
 *
 * @since 0.1.0
 */
public final class Engines {
  /** Every engine name, AgentGuard first. */
  public static final List<String> NAMES =
      List.of("agentguard", "jcasbin", "cedar", "cedar-cached", "spring");

  private Engines() {}

  /**
   * Loads {@code scenario} into the engine called {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Engine create(String name, Scenario scenario) {
    switch (name) {
      case "agentguard":
        return new AgentGuardEngine(scenario);
      case "jcasbin":
        return new JCasbinEngine(scenario);
      case "cedar":
        return new CedarEngine(scenario, false);
      case "cedar-cached":
        return new CedarEngine(scenario, true);
      case "spring":
        return new SpringSecurityEngine(scenario);
      default:
        throw new IllegalArgumentException("unknown engine '" + name + "', known: " + NAMES);
    }
  }
}
