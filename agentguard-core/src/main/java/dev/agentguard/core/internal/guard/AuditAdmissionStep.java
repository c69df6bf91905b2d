package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import java.time.Duration;
import java.util.List;

/**
 * Step 11: the allow is admitted to the audit trail. Calls of tools at or above the write-ahead risk
 * (which risks are, computed once) are recorded durably and denied {@code AUDIT_UNAVAILABLE} when the
 * sinks do not take the record in time; other calls are enqueued and denied when the overflow
 * behaviour refuses them. The risk is the tool's declared one, never an interceptor's. An admitted
 * call keeps its {@link ToolCallRecord}, which later carries its short {@code tool.completed}.
 */
final class AuditAdmissionStep implements CallStep {
  private final AuditPipeline audit;
  private final boolean[] writeAhead = new boolean[Risk.values().length];
  private final Duration timeout;

  AuditAdmissionStep(AuditPipeline audit, Risk writeAheadRisk, Duration timeout) {
    this.audit = audit;
    for (Risk r : Risk.values()) {
      writeAhead[r.ordinal()] = r.compareTo(writeAheadRisk) >= 0;
    }
    this.timeout = timeout;
  }

  @Override
  public Decision check(Call call) {
    ToolCallRecord event = new ToolCallRecord(WatchedCall.decisionRecord(call),
        call.task() == null ? null : call.task().id(), call.request().tool());
    boolean taken = writeAhead[call.declared().risk().ordinal()]
        ? audit.recordCallDurably(event, timeout)
        : audit.recordCall(event);
    if (taken) {
      call.trail(event);
    }
    return taken ? null : Decision.deny(DenyCode.AUDIT_UNAVAILABLE,
        List.of("the audit trail did not take the decision record in time"), List.of(), call.policyVersion());
  }
}
