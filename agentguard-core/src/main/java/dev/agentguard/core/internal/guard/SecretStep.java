package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.internal.secret.LeaseLedger;

/**
 * The step after approval and the obligations of a guard with secret brokers: obtains (or reuses) the task's leases of
 * the secrets the tool declares, so a broker that cannot issue denies the call
 * ({@code SECRET_UNAVAILABLE}) before its body runs. Dry runs ({@code check}) issue nothing.
 * Thread-safe.
 */
final class SecretStep implements CallStep {
  private final LeaseLedger ledger;

  SecretStep(LeaseLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public Decision check(Call call) {
    if (!call.consumes()) {
      return null;
    }
    String refused = ledger.acquire(call.task(), call.request().tool());
    return refused == null ? null : Decision.deny(DenyCode.SECRET_UNAVAILABLE, refused);
  }
}
