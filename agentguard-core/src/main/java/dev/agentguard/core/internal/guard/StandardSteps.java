package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;

/**
 * The guard's decision steps in their fixed order, the one place that order is written: guard open,
 * task bound, credential lifetime, revocation, scope, risk tier, policy loaded, limits, then the
 * interceptors and the policy decision. The first step that returns a deny ends the call.
 *
 * <p>One class with a typed field per step (all final classes), so each check is a direct call the
 * JIT can inline, instead of one interface call per step through a list.
 */
final class StandardSteps implements CallStep {
  private final GuardOpenStep guardOpen;
  private final TaskBoundStep taskBound;
  private final CredentialLifetimeStep credentialLifetime;
  private final RevocationStep revocation;
  private final ScopeStep scope;
  private final RiskTierStep riskTier;
  private final PolicyLoadedStep policyLoaded;
  private final LimitsStep limits;
  private final PolicyDecisionStep policyDecision;

  StandardSteps(GuardOpenStep guardOpen, TaskBoundStep taskBound, CredentialLifetimeStep credentialLifetime,
      RevocationStep revocation, ScopeStep scope, RiskTierStep riskTier, PolicyLoadedStep policyLoaded,
      LimitsStep limits, PolicyDecisionStep policyDecision) {
    this.guardOpen = guardOpen;
    this.taskBound = taskBound;
    this.credentialLifetime = credentialLifetime;
    this.revocation = revocation;
    this.scope = scope;
    this.riskTier = riskTier;
    this.policyLoaded = policyLoaded;
    this.limits = limits;
    this.policyDecision = policyDecision;
  }

  @Override
  public Decision check(Call call) {
    Decision d;
    if ((d = guardOpen.check(call)) != null
        || (d = taskBound.check(call)) != null
        || (d = credentialLifetime.check(call)) != null
        || (d = revocation.check(call)) != null
        || (d = scope.check(call)) != null
        || (d = riskTier.check(call)) != null
        || (d = policyLoaded.check(call)) != null
        || (d = limits.check(call)) != null) {
      return d;
    }
    return policyDecision.check(call);
  }
}
