package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.ToolRequest;
import java.util.Map;

/** Builds the audit events of tasks and calls; credential tokens never enter them, only ids. */
final class AuditRecords {
  private AuditRecords() {}

  static AuditEvent.Builder forTask(String type, TaskImpl task) {
    return AuditEvent.builder(type)
        .agent(task.agent().id())
        .onBehalfOf(task.onBehalfOf())
        .task(task.id())
        .credential(task.credential().id());
  }

  static AuditEvent.Builder decision(String type, TaskImpl task, ToolRequest request,
      Map<String, Object> attributes, Decision decision, String policyVersion) {
    AuditEvent.Builder b = task == null ? AuditEvent.builder(type) : forTask(type, task);
    b.tool(request.tool())
        .action(request.action())
        .risk(request.risk().wireName())
        .attributes(attributes)
        .decision(decision.allowed() ? "ALLOW" : "DENY")
        .reasons(decision.reasons())
        .policies(decision.policies())
        .policyVersion(decision.policyVersion() != null ? decision.policyVersion() : policyVersion);
    if (!decision.allowed()) {
      b.code(decision.code().name());
    }
    return b;
  }
}
