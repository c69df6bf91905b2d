package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;

/**
 * Step 4: the credential, its task and its agent are not revoked ({@code CREDENTIAL_REVOKED}), and
 * the revocation store can vouch for its view ({@code EVALUATION_ERROR} while it is stale).
 */
final class RevocationStep implements CallStep {
  static final Decision STALE = Decision.deny(DenyCode.EVALUATION_ERROR,
      "the revocation store's view is stale: revocations may be missing");

  private final Revocations revocations;

  RevocationStep(Revocations revocations) {
    this.revocations = revocations;
  }

  @Override
  public Decision check(Call call) {
    if (revocations.stale()) {
      return STALE;
    }
    TaskImpl task = call.task();
    if (revocations.isRevoked(task)) {
      return Decision.deny(DenyCode.CREDENTIAL_REVOKED, "credential " + task.credential().id() + " was revoked");
    }
    return null;
  }
}
