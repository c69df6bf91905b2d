package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditSink;
import dev.agentguard.Risk;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.SigningKey;
import dev.agentguard.core.internal.Settings;
import dev.agentguard.core.spi.CallObserver;
import dev.agentguard.core.spi.ObligationStep;
import dev.agentguard.core.spi.RateWindows;
import dev.agentguard.core.spi.RevocationStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The immutable settings of one guard, as the public builder collected them. The constructor checks
 * every invariant the builder promises (required values present, durations positive, the default
 * TTL within the maximum, one policy source), so {@link GuardImpl#start(GuardConfig)} cannot be
 * handed settings the builder would have refused.
 *
 * @param policyFile watched policy file, or {@code null} when {@code policySet} is given
 * @param policySet fixed policy set, or {@code null}
 * @param elevatedMaxCredentialAge maximum credential age for elevated-risk tools, or {@code null} for none
 * @param callObserver the call observer, or {@code null} for none (then calls are not observed at all)
 * @throws IllegalArgumentException, NullPointerException when an invariant does not hold
 */
public record GuardConfig(
    Path policyFile,
    PolicySet policySet,
    boolean allowStartWithoutPolicy,
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
    Duration checkpointInterval,
    Duration taskCloseTimeout,
    boolean closeOnShutdown,
    RevocationStore revocationStore,
    RateWindows rateWindows,
    ObligationStep obligations,
    String instanceId,
    CallObserver callObserver,
    RolloutSettings rollout,
    // secrets (issue 15)
    dev.agentguard.core.internal.secret.SecretsConfig secrets) {

  /** Checks the invariants. */
  public GuardConfig {
    if ((policyFile == null) == (policySet == null)) {
      throw new IllegalArgumentException("exactly one of policyFile and policySet is required");
    }
    sinks = List.copyOf(sinks);
    interceptors = List.copyOf(interceptors);
    internalHosts = List.copyOf(internalHosts);
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(writeAheadRisk, "writeAheadRisk");
    Objects.requireNonNull(elevatedRisk, "elevatedRisk");
    Objects.requireNonNull(auditOverflow, "auditOverflow");
    Objects.requireNonNull(revocationStore, "revocationStore");
    Objects.requireNonNull(rateWindows, "rateWindows");
    Objects.requireNonNull(obligations, "obligations");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(rollout, "rollout");
    Objects.requireNonNull(secrets, "secrets");
    Settings.positive(policyPollInterval, "policyPollInterval");
    Settings.positive(defaultTtl, "defaultTaskTtl");
    Settings.positive(maxTtl, "maxTaskTtl");
    Settings.positive(writeAheadTimeout, "writeAheadTimeout");
    Settings.positive(auditCloseTimeout, "auditCloseTimeout");
    Settings.positive(checkpointInterval, "checkpoint interval");
    Settings.positive(taskCloseTimeout, "taskCloseTimeout");
    if (elevatedMaxCredentialAge != null) {
      Settings.positive(elevatedMaxCredentialAge, "elevatedMaxCredentialAge");
    }
    if (defaultTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("defaultTaskTtl " + defaultTtl + " exceeds maxTaskTtl " + maxTtl);
    }
    if (auditQueueCapacity < 16) {
      throw new IllegalArgumentException("auditQueueCapacity must be at least 16, got " + auditQueueCapacity);
    }
    if (auditOverflowWait == null || auditOverflowWait.isNegative()) {
      throw new IllegalArgumentException("auditOverflow wait must not be negative, got " + auditOverflowWait);
    }
    if (checkpointEvents < 1) {
      throw new IllegalArgumentException("checkpoint events must be positive, got " + checkpointEvents);
    }
  }
}
