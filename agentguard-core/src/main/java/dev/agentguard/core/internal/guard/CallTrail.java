package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.ToolCallRecord;

/**
 * The one record of an admitted call below the write-ahead risk, as the caller hands it to the
 * trail: a reference to the decided {@link Call} and the outcome, nothing formatted. The writer
 * builds the {@code tool.decision} content from the call ({@link #content()}) after the body
 * returned; the call's decided parts (task, request, audit attributes, decision, policy set, shadow
 * outcome) do not change after admission, and the enqueue hands them over.
 */
final class CallTrail extends ToolCallRecord {
  private final Call call;

  CallTrail(Call call) {
    super(call.now());
    this.call = call;
  }

  @Override
  protected AuditEvent.Builder content() {
    return ShadowEvaluation.annotate(AuditRecords.decision(AuditEvent.TOOL_DECISION, call.task(), call.request(),
        call.auditAttributes(), call.decision(), call.policyVersion()), call);
  }
}
