package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.core.PolicySet;
import java.util.List;

/**
 * Step 9: the user interceptors, in the order added, then the policy decision. After every
 * interceptor the request gets the declared metadata back and its derived attributes recomputed
 * ({@link DerivedAttributes}). Leaves the policy's allow on the call; returns any deny. Then the
 * shadows are evaluated ({@link ShadowEvaluation}, never changing the decision), and a deny
 * {@code APPROVAL_REQUIRED} that the policy itself returned (not an interceptor) marks the call
 * approvable: the obligations step may turn it into an allow once approved.
 */
final class PolicyDecisionStep implements CallStep {
  private final List<ToolInterceptor> interceptors;
  private final DerivedAttributes derived;
  private final ShadowEvaluation shadows;

  PolicyDecisionStep(List<ToolInterceptor> interceptors, DerivedAttributes derived) {
    this(interceptors, derived, ShadowEvaluation.RULES_ONLY);
  }

  PolicyDecisionStep(List<ToolInterceptor> interceptors, DerivedAttributes derived, ShadowEvaluation shadows) {
    this.interceptors = List.copyOf(interceptors);
    this.derived = derived;
    this.shadows = shadows;
  }

  @Override
  public Decision check(Call call) {
    PolicySet set = call.policy();
    TaskImpl task = call.task();
    long now = call.now();
    Decision d;
    Decision fromPolicy;
    if (interceptors.isEmpty()) {
      d = set.evaluate(task.agent(), call.request(), task, now);
      fromPolicy = d;
    } else {
      Decision[] policyOwn = new Decision[1];
      InterceptorChain.Call chain = new InterceptorChain.Call(interceptors, task, call.request(), derived,
          r -> policyOwn[0] = set.evaluate(task.agent(), r, task, now));
      d = InterceptorChain.run(chain, call.request());
      if (chain.misuse() != null) {
        d = Decision.deny(DenyCode.EVALUATION_ERROR, List.of(chain.misuse()), List.of(), call.policyVersion());
      }
      if (chain.decidedRequest() != null) {
        call.request(chain.decidedRequest());
      }
      fromPolicy = policyOwn[0];
    }
    if (d == null) {
      return Decision.deny(DenyCode.EVALUATION_ERROR, "the policy returned no decision");
    }
    shadows.evaluate(call, set, d);
    call.decision(d);
    if (d.allowed()) {
      return null;
    }
    call.approvable(d == fromPolicy && d.code() == DenyCode.APPROVAL_REQUIRED);
    return d;
  }
}
