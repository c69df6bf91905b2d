package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.spi.ObligationStep;

/**
 * Step 10: what must happen before a call the policy allowed, or allowed once approved, may run.
 * First the built-in approval: a call the policy left {@code APPROVAL_REQUIRED} (see
 * {@link Call#approvable()}) is decided by the approval desk ({@link Rollout#approve}); a dry run
 * ({@code check}) asks nobody and stays denied. Then the configured {@link ObligationStep} (none by
 * default) on every allow, approved ones included: it composes with approval, it does not replace
 * it. The user step may only pass or deny: an allow it returns is a misuse and denies
 * {@code EVALUATION_ERROR}. Runs inside {@link CallPipeline#admit}, once the audit attributes
 * (redacted values as digests) are known, before audit admission.
 */
final class ObligationsStep implements CallStep {
  private final Rollout rollout;
  private final ObligationStep obligations;

  ObligationsStep(ObligationStep obligations) {
    this(null, obligations);
  }

  ObligationsStep(Rollout rollout, ObligationStep obligations) {
    this.rollout = rollout;
    this.obligations = obligations;
  }

  @Override
  public Decision check(Call call) {
    if (call.approvable()) {
      Decision approved = rollout != null && call.consumes() ? rollout.approve(call) : call.decision();
      if (!approved.allowed()) {
        return approved;
      }
      call.decision(approved);
    }
    if (!call.decision().allowed()) {
      return call.decision();
    }
    Decision d = obligations.check(call.request(), call.task(), call.decision());
    if (d != null && d.allowed()) {
      return Decision.deny(DenyCode.EVALUATION_ERROR,
          "obligation step " + obligations.getClass().getName() + " returned an allow; it may only pass or deny");
    }
    return d;
  }
}
