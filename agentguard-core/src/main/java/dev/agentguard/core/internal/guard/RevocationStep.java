package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;

/**
 * Step 4: the revocation store can vouch for its view ({@code REVOCATION_UNAVAILABLE} while it is
 * stale, for tools at or above the store's {@code staleDeniesFrom()} risk), and the credential, its
 * task and its agent are not revoked ({@code CREDENTIAL_REVOKED}).
 */
final class RevocationStep implements CallStep {
  static final Decision STALE = Decision.deny(DenyCode.REVOCATION_UNAVAILABLE,
      "the revocation store's view is stale: revocations may be missing");

  private final Revocations revocations;
  private final Risk staleDeniesFrom;

  RevocationStep(Revocations revocations) {
    this.revocations = revocations;
    this.staleDeniesFrom = java.util.Objects.requireNonNull(revocations.store().staleDeniesFrom(), "staleDeniesFrom");
  }

  @Override
  public Decision check(Call call) {
    if (revocations.stale() && call.declaredRisk().compareTo(staleDeniesFrom) >= 0) {
      return STALE;
    }
    TaskImpl task = call.task();
    if (revocations.isRevoked(task)) {
      return Decision.deny(DenyCode.CREDENTIAL_REVOKED, "credential " + task.credential().id() + " was revoked");
    }
    return null;
  }
}
