package dev.agentguard.core.internal.policy;

import dev.agentguard.core.PolicyRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The read-only {@link PolicyRule} view of a {@link Rule}. Immutable and thread-safe. */
record RuleView(String id, Effect effect, Optional<String> description, List<String> tools, List<String> agents,
    Optional<Instant> expires, Optional<String> condition, boolean shadow, boolean approvalRequired)
    implements PolicyRule {

  static RuleView of(Rule r) {
    return new RuleView(r.id, r.forbid ? Effect.FORBID : Effect.PERMIT, Optional.ofNullable(r.description), r.tools,
        r.agents == null ? List.of() : r.agents, Optional.ofNullable(r.expires), Optional.ofNullable(r.when),
        r.shadow, r.approval);
  }

  @Override
  public String toString() {
    return "PolicyRule{" + id + " " + effect + " tools=" + tools + (agents.isEmpty() ? "" : " agents=" + agents)
        + condition.map(c -> " when=" + c).orElse("") + expires.map(x -> " expires=" + x).orElse("")
        + (shadow ? " mode=shadow" : "") + (approvalRequired ? " approval=required" : "") + "}";
  }
}
