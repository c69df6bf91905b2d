package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import java.util.function.Supplier;

/** Step 7: a policy set is loaded, else {@code POLICY_UNAVAILABLE}, naming the last rejection when there was one. */
final class PolicyLoadedStep implements CallStep {
  static final String NO_POLICY = "no valid policy set is loaded";

  private final Supplier<String> lastRejection;

  PolicyLoadedStep(Supplier<String> lastRejection) {
    this.lastRejection = lastRejection;
  }

  @Override
  public Decision check(Call call) {
    if (call.policy() != null) {
      return null;
    }
    String why = lastRejection.get();
    return Decision.deny(DenyCode.POLICY_UNAVAILABLE, why == null ? NO_POLICY : NO_POLICY + "; last rejection: " + why);
  }
}
