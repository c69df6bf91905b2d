package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;

/** Step 5: the credential's scopes cover the tool, else {@code OUT_OF_SCOPE} (matches cached per task and tool). */
final class ScopeStep implements CallStep {
  @Override
  public Decision check(Call call) {
    TaskImpl task = call.task();
    String tool = call.request().tool();
    if (!task.inScope(tool)) {
      return Decision.deny(DenyCode.OUT_OF_SCOPE,
          "tool " + tool + " is not in the credential's scopes " + task.credential().scopes());
    }
    return null;
  }
}
