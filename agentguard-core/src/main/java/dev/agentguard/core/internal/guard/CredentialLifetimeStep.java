package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;

/** Step 3: the task's credential is valid at the call's clock reading, else {@code CREDENTIAL_EXPIRED}. */
final class CredentialLifetimeStep implements CallStep {
  @Override
  public Decision check(Call call) {
    TaskImpl task = call.task();
    long now = call.now();
    if (now >= task.expiresAtMillis()) {
      return Decision.deny(DenyCode.CREDENTIAL_EXPIRED,
          "credential " + task.credential().id() + " expired at " + task.credential().expiresAt());
    }
    if (now < task.issuedAtMillis()) {
      return Decision.deny(DenyCode.CREDENTIAL_EXPIRED,
          "credential " + task.credential().id() + " is not valid before " + task.credential().issuedAt());
    }
    return null;
  }
}
