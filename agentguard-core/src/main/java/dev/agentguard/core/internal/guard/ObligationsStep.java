package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.spi.ObligationStep;

/**
 * Step 10: what must happen before an allowed call may run (the configured {@link ObligationStep};
 * none by default). It may only pass or deny: an allow it returns is a misuse and denies
 * {@code EVALUATION_ERROR}.
 */
final class ObligationsStep implements CallStep {
  private final ObligationStep obligations;

  ObligationsStep(ObligationStep obligations) {
    this.obligations = obligations;
  }

  @Override
  public Decision check(Call call) {
    Decision d = obligations.check(call.request(), call.task(), call.decision());
    if (d != null && d.allowed()) {
      return Decision.deny(DenyCode.EVALUATION_ERROR,
          "obligation step " + obligations.getClass().getName() + " returned an allow; it may only pass or deny");
    }
    return d;
  }
}
