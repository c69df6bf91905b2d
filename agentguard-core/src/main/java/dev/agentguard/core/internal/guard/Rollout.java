package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicyListener;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.PolicySource;
import dev.agentguard.core.internal.approval.ApprovalDesk;
import dev.agentguard.core.internal.approval.Pending;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout parts of one guard's request path: the approval desk the obligations step asks, and
 * the shadow evaluation the policy step runs, with the watched candidate policy file behind it
 * (loaded by the same {@link PolicySource} as the live set). Thread-safe.
 */
final class Rollout implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rollout.class);

  private final ApprovalDesk desk;
  private final Revocations revocations;
  private final PolicySource shadowSource;
  private final ShadowEvaluation shadows;

  private Rollout(ApprovalDesk desk, Revocations revocations, PolicySource shadowSource, ShadowEvaluation shadows) {
    this.desk = desk;
    this.revocations = revocations;
    this.shadowSource = shadowSource;
    this.shadows = shadows;
  }

  /** No handler (approvals are missing), no candidate set; for pipelines built by hand in tests. */
  static Rollout none(Clock clock) {
    return new Rollout(new ApprovalDesk(null, RolloutSettings.DEFAULT_APPROVAL_TIMEOUT, clock, null), null, null,
        ShadowEvaluation.RULES_ONLY);
  }

  /** Starts the rollout parts of a guard (the candidate file's watcher thread, when one is configured). */
  static Rollout start(RolloutSettings s, Clock clock, Duration pollInterval, AuditPipeline audit,
      Revocations revocations) {
    ApprovalDesk desk = new ApprovalDesk(s.approvals(), s.approvalTimeout(), clock, audit);
    PolicySource source = null;
    ShadowEvaluation shadows = ShadowEvaluation.RULES_ONLY;
    if (s.shadowPolicyFile() != null) {
      source = PolicySource.builder(s.shadowPolicyFile()).pollInterval(pollInterval).listener(new PolicyListener() {
        @Override
        public void loaded(PolicySet set) {
          LOG.info("shadow policy {} loaded from {}", set.version(), set.source());
        }

        @Override
        public void rejected(String src, PolicyException error) {
          LOG.warn("shadow policy {} rejected; the previous shadow set (if any) stays: {}", src, error.getMessage());
        }
      }).build();
      shadows = new ShadowEvaluation(source::current);
    } else if (s.shadowPolicySet() != null) {
      PolicySet fixed = s.shadowPolicySet();
      shadows = new ShadowEvaluation(() -> fixed);
    }
    return new Rollout(desk, revocations, source, shadows);
  }

  ShadowEvaluation shadows() {
    return shadows;
  }

  /** Asks for the approval an approvable call needs; parks the caller up to the approval timeout. */
  Decision approve(Call call) {
    TaskImpl task = call.task();
    return desk.decide(new Pending(task.agent().id(), task.onBehalfOf(), task.id(), task.purpose(),
        task.credential().id(), task.expiresAtMillis(), call.request().tool(), call.request().action(),
        call.declaredRisk(), call.auditAttributes(), call.decision(),
        () -> task.isClosed() || (revocations != null && revocations.isRevoked(task))));
  }

  /** Wakes callers waiting for approvals so they re-check their task (after a revocation or a close). */
  void wake() {
    desk.wake();
  }

  @Override
  public void close() {
    if (shadowSource != null) {
      shadowSource.close();
    }
    desk.close();
  }
}
