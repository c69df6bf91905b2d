package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Duration;
import java.util.List;

/**
 * Step 11: the allow is admitted to the audit trail. Calls of tools at or above the write-ahead risk
 * (which risks are, computed once) are recorded durably and denied {@code AUDIT_UNAVAILABLE} when the
 * sinks do not take the record in time; other calls are enqueued and denied when the overflow
 * behaviour refuses them. The risk is the tool's declared one, never an interceptor's.
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
    AuditEvent.Builder event = ShadowEvaluation.annotate(AuditRecords.decision(AuditEvent.TOOL_DECISION,
        call.task(), call.request(), call.auditAttributes(), call.decision(), call.policyVersion()), call);
    boolean taken = writeAhead[call.declared().risk().ordinal()]
        ? audit.recordDurably(event, timeout)
        : audit.record(event);
    return taken ? null : Decision.deny(DenyCode.AUDIT_UNAVAILABLE,
        List.of("the audit trail did not take the decision record in time"), List.of(), call.policyVersion());
  }
}
