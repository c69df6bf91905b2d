package dev.agentguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.core.PolicySet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of a loaded {@link PolicySet}, read back from its {@link PolicySet#canonicalDocument()
 * canonical document} so the CLI can reason about them (lint, coverage, unused permits) through
 * the public API only. Immutable.
 *
 * @since 0.2.0
 */
final class PolicyDocument {
  /**
   * One rule as written (after canonicalisation). {@code agents} is empty when any agent matches;
   * {@code shadow} is {@code mode: shadow} (the rule never decides), {@code approval} is
   * {@code approval: required}.
   */
  record Rule(String id, boolean permit, List<String> agents, List<String> tools, String when, Instant expires,
      boolean shadow, boolean approval) {
    /** {@code true} when the rule has no {@code agents} list, so it applies to every agent. */
    boolean anyAgent() {
      return agents.isEmpty();
    }
  }

  /** One call limit: its id and tool globs. */
  record Limit(String id, List<String> tools) {}

  private final PolicySet set;
  private final List<Rule> rules;
  private final List<Limit> limits;

  private PolicyDocument(PolicySet set, List<Rule> rules, List<Limit> limits) {
    this.set = set;
    this.rules = rules;
    this.limits = limits;
  }

  /** Reads the rules of {@code set}. */
  static PolicyDocument of(PolicySet set) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(set.canonicalDocument());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the canonical policy document is not JSON", e);
    }
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : root.path("policies")) {
      String expires = r.path("expires").asText(null);
      rules.add(new Rule(r.path("id").asText(), "permit".equals(r.path("effect").asText()),
          strings(r.path("agents")), strings(r.path("tools")), r.path("when").asText(null),
          expires == null ? null : Instant.parse(expires), "shadow".equals(r.path("mode").asText()),
          "required".equals(r.path("approval").asText())));
    }
    List<Limit> limits = new ArrayList<>();
    for (JsonNode l : root.path("limits")) {
      limits.add(new Limit(l.path("id").asText(), strings(l.path("tools"))));
    }
    return new PolicyDocument(set, List.copyOf(rules), List.copyOf(limits));
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) {
      out.add(n.asText());
    }
    return List.copyOf(out);
  }

  /** The policy set. */
  PolicySet set() {
    return set;
  }

  /** The rules, sorted by id. */
  List<Rule> rules() {
    return rules;
  }

  /** The limits, sorted by id. */
  List<Limit> limits() {
    return limits;
  }
}
