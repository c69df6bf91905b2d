package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditSink;
import dev.agentguard.Risk;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.SigningKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The validated, immutable settings of one guard, as the public builder collected them.
 *
 * @param policyFile watched policy file, or {@code null} when {@code policySet} is given
 * @param policySet fixed policy set, or {@code null}
 */
public record GuardConfig(
    Path policyFile,
    PolicySet policySet,
    Duration policyPollInterval,
    List<AuditSink> sinks,
    List<ToolInterceptor> interceptors,
    List<String> internalHosts,
    Clock clock,
    SigningKey signingKey,
    String issuer,
    String audience,
    Duration defaultTtl,
    Duration maxTtl,
    Risk writeAheadRisk,
    Duration writeAheadTimeout,
    Risk elevatedRisk,
    Duration elevatedMaxCredentialAge,
    boolean elevatedRequiresPrincipal,
    boolean elevatedRequiresVerifiedAgent,
    boolean allowUnannotatedMethods,
    int auditQueueCapacity,
    AuditOverflow auditOverflow,
    Duration auditOverflowWait,
    Duration auditCloseTimeout,
    long checkpointEvents,
    Duration checkpointInterval) {}
