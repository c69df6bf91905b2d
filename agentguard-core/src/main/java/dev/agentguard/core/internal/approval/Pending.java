package dev.agentguard.core.internal.approval;

import dev.agentguard.Decision;
import dev.agentguard.Risk;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One call that waits for an approval, as the request path knows it: who, which task and credential,
 * which tool, the attributes the audit record keeps (redacted values as digests) and the policy's
 * {@code APPROVAL_REQUIRED} decision.
 *
 * @param agent the agent id
 * @param onBehalfOf the principal, or {@code null}
 * @param task the task id
 * @param purpose the task's purpose, or {@code null}
 * @param credential the credential id (never the token)
 * @param credentialExpiresAtMillis when the credential expires; no approval outlives it
 * @param tool the tool name
 * @param action the tool's action
 * @param risk the tool's declared risk
 * @param attributes the audit attributes
 * @param policyDecision the policy's {@code APPROVAL_REQUIRED} deny (its rules and version)
 * @param withdrawn true once the task was closed or its credential, task or agent revoked
 */
public record Pending(String agent, String onBehalfOf, String task, String purpose, String credential,
    long credentialExpiresAtMillis, String tool, String action, Risk risk, Map<String, Object> attributes,
    Decision policyDecision, BooleanSupplier withdrawn) {}
