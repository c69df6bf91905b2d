package dev.agentguard.benchmarks;

import java.util.stream.Collectors;

/**
 * The scenario as an AgentGuard policy document (YAML): one {@code permit} per rule with the
 * agent, its three tools and {@code when: resource.sensitivity <= 'X' && context.environment == 'E'},
 * and the forbid {@code when: !(destination.host in [...four hosts...])} on {@code http.post}.
 *
 * @since 0.1.0
 */
public final class AgentGuardPolicies {
  private AgentGuardPolicies() {}

  /** The YAML document for {@code scenario}. */
  public static String yaml(Scenario scenario) {
    StringBuilder sb = new StringBuilder(128 + scenario.size() * 200);
    sb.append("version: 1\npolicies:\n");
    for (Scenario.Rule rule : scenario.rules()) {
      sb.append("  - id: ").append(rule.id()).append('\n')
          .append("    effect: permit\n")
          .append("    agents: [\"").append(rule.agent()).append("\"]\n")
          .append("    tools: [")
          .append(rule.tools().stream().map(t -> '"' + t + '"').collect(Collectors.joining(", ")))
          .append("]\n")
          .append("    when: \"resource.sensitivity <= '").append(rule.maxSensitivityName())
          .append("' && context.environment == '").append(rule.environment()).append("'\"\n");
    }
    sb.append("  - id: ").append(Scenario.FORBID_ID).append('\n')
        .append("    effect: forbid\n")
        .append("    tools: [\"").append(Scenario.FORBIDDEN_TOOL).append("\"]\n")
        .append("    when: \"!(destination.host in [")
        .append(Scenario.ALLOWLIST.stream().map(h -> "'" + h + "'")
            .collect(Collectors.joining(", ")))
        .append("])\"\n");
    return sb.toString();
  }
}
