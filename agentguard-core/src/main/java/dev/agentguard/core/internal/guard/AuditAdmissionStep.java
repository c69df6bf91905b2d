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
 * call keeps its {@link ToolCallRecord}. A consuming call below the write-ahead risk gets one record
 * (decision and outcome) enqueued after its body: here its queue slot is only reserved
 * ({@link AuditPipeline#reserveCall}), so the overflow behaviour still decides before the body runs;
 * a write-ahead call's decision is written now and its short {@code tool.completed} follows.
 */
final class AuditAdmissionStep implements CallStep {
  private final AuditPipeline audit;
  private final boolean[] writeAhead = new boolean[Risk.values().length];
  private final Duration timeout;
  /** The guard has no interceptors, no obligation step and no secret brokers: no step of its own may wait. */
  private final boolean plainPath;

  AuditAdmissionStep(AuditPipeline audit, Risk writeAheadRisk, Duration timeout) {
    this(audit, writeAheadRisk, timeout, false);
  }

  AuditAdmissionStep(AuditPipeline audit, Risk writeAheadRisk, Duration timeout, boolean plainPath) {
    this.audit = audit;
    this.plainPath = plainPath;
    for (Risk r : Risk.values()) {
      writeAhead[r.ordinal()] = r.compareTo(writeAheadRisk) >= 0;
    }
    this.timeout = timeout;
  }

  @Override
  public Decision check(Call call) {
    boolean taken;
    if (!writeAhead[call.declaredRisk().ordinal()] && call.consumes()) {
      // one record (the call itself), enqueued after the body: its slot is reserved now, under the overflow behaviour
      WatchedCall w = call.watched();
      if (w != null && w != WatchedCall.NONE) {
        w.single(call);
      }
      taken = audit.reserveCall(call);
      if (taken) {
        call.trail(call);
        if (plainPath && !call.approvable() && !call.tookBudgets() && !call.waitedForRoom()) {
          call.startsAtArrival();
        }
      }
    } else {
      ToolCallRecord.WriteAhead event = new ToolCallRecord.WriteAhead(WatchedCall.decisionRecord(call),
          call.task() == null ? null : call.task().id(), call.request().tool());
      taken = writeAhead[call.declaredRisk().ordinal()]
          ? audit.recordCallDurably(event, timeout)
          : audit.recordCall(event);
      if (taken) {
        call.trail(event);
      }
    }
    return taken ? null : Decision.deny(DenyCode.AUDIT_UNAVAILABLE,
        List.of("the audit trail did not take the decision record in time"), List.of(), call.policyVersion());
  }
}
