package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import java.util.List;
import dev.agentguard.core.PolicyLimit;

/**
 * Step 8: the policy's limits that apply to the tool and agent (cached by the policy set, so they
 * never outlive its version) have room, else {@code LIMIT_EXCEEDED}. A consuming call reserves its
 * budgets here; the pipeline gives them back on any later deny and keeps them once the call is
 * admitted. A dry run only looks.
 */
final class LimitsStep implements CallStep {
  private final CallBudgets budgets;

  LimitsStep(CallBudgets budgets) {
    this.budgets = budgets;
  }

  @Override
  public Decision check(Call call) {
    TaskImpl task = call.task();
    List<PolicyLimit> limits = call.policy().limitsFor(call.request().tool(), task.agent().id());
    if (limits.isEmpty()) {
      return null;
    }
    long window = budgets.window(call.now());
    String version = call.policyVersion();
    return call.consumes()
        ? budgets.reserve(limits, task, window, version, call.reservation())
        : budgets.check(limits, task, window, version);
  }
}
