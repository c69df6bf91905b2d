package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import java.time.Duration;

/**
 * Step 6: the elevated risk tier. For tools at or above the elevated risk, in this order: the
 * credential is young enough ({@code CREDENTIAL_EXPIRED}), the agent's workload identity was verified
 * ({@code AGENT_UNVERIFIED}), the task acts on behalf of a principal ({@code FORBIDDEN}). Which risks
 * are elevated is computed once, when the guard starts.
 */
final class RiskTierStep implements CallStep {
  private final boolean[] elevated = new boolean[Risk.values().length];
  private final Duration maxAge;
  private final boolean requiresVerifiedAgent;
  private final boolean requiresPrincipal;

  RiskTierStep(Risk elevatedRisk, Duration maxAge, boolean requiresVerifiedAgent, boolean requiresPrincipal) {
    for (Risk r : Risk.values()) {
      elevated[r.ordinal()] = r.compareTo(elevatedRisk) >= 0;
    }
    this.maxAge = maxAge;
    this.requiresVerifiedAgent = requiresVerifiedAgent;
    this.requiresPrincipal = requiresPrincipal;
  }

  @Override
  public Decision check(Call call) {
    Risk risk = call.declaredRisk();
    if (!elevated[risk.ordinal()]) {
      return null;
    }
    TaskImpl task = call.task();
    if (maxAge != null && call.now() - task.issuedAtMillis() > maxAge.toMillis()) {
      return Decision.deny(DenyCode.CREDENTIAL_EXPIRED, "risk tier: " + risk
          + " tools need a credential younger than " + maxAge + "; start a new task");
    }
    if (requiresVerifiedAgent && !task.agent().verified()) {
      return Decision.deny(DenyCode.AGENT_UNVERIFIED, "risk tier: " + risk
          + " tools need an agent with a verified workload identity (JWT-SVID or X.509-SVID)");
    }
    if (requiresPrincipal && task.onBehalfOf() == null) {
      return Decision.deny(DenyCode.FORBIDDEN, "risk tier: " + risk
          + " tools need a task that acts on behalf of a principal");
    }
    return null;
  }
}
