package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.core.PolicySet;
import java.util.List;

/**
 * Step 9: the user interceptors, in the order added, then the policy decision. After every
 * interceptor the request gets the declared metadata back and its derived attributes recomputed
 * ({@link DerivedAttributes}). Leaves the policy's allow on the call; returns any deny.
 */
final class PolicyDecisionStep implements CallStep {
  private final List<ToolInterceptor> interceptors;
  private final DerivedAttributes derived;

  PolicyDecisionStep(List<ToolInterceptor> interceptors, DerivedAttributes derived) {
    this.interceptors = List.copyOf(interceptors);
    this.derived = derived;
  }

  @Override
  public Decision check(Call call) {
    PolicySet set = call.policy();
    TaskImpl task = call.task();
    long now = call.now();
    Decision d;
    if (interceptors.isEmpty()) {
      d = set.evaluate(task.agent(), call.request(), task, now);
    } else {
      InterceptorChain.Call chain = new InterceptorChain.Call(interceptors, task, call.request(), derived,
          r -> set.evaluate(task.agent(), r, task, now));
      d = InterceptorChain.run(chain, call.request());
      if (chain.misuse() != null) {
        d = Decision.deny(DenyCode.EVALUATION_ERROR, List.of(chain.misuse()), List.of(), call.policyVersion());
      }
      if (chain.decidedRequest() != null) {
        call.request(chain.decidedRequest());
      }
    }
    if (d == null) {
      return Decision.deny(DenyCode.EVALUATION_ERROR, "the policy returned no decision");
    }
    call.decision(d);
    return d.allowed() ? null : d;
  }
}
