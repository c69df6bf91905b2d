package dev.agentguard;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link ApprovalHandler} is asked to approve: one call, as the policy decided it.
 *
 * @param id the approval id ({@code apr-...}), also named by the {@code approval.*} audit records
 * @param agent the agent id
 * @param onBehalfOf the principal the task acts for, or {@code null}
 * @param task the task id
 * @param purpose the task's purpose, or {@code null}
 * @param tool the tool name
 * @param action the tool's action
 * @param risk the tool's declared risk
 * @param attributes the call's frozen attributes keyed by path; {@code @Redact} values replaced by
 *     their {@code sha256:} digests, exactly as the audit record keeps them (unmodifiable)
 * @param policies the ids of the rules that demand approval (unmodifiable)
 * @param deadline when the guard stops waiting; an answer after it changes nothing
 * @since 0.2.0
 */
public record ApprovalRequest(String id, String agent, String onBehalfOf, String task, String purpose, String tool,
    String action, Risk risk, Map<String, Object> attributes, List<String> policies, Instant deadline) {

  /** Checks the required components and copies the collections. */
  public ApprovalRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(deadline, "deadline");
    attributes = Map.copyOf(attributes);
    policies = List.copyOf(policies);
  }
}
