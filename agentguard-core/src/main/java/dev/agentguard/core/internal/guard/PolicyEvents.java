package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.PolicyException;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.PolicyListener;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a guard's policy loads and rejections into audit events and log lines, and remembers the
 * last rejection (the {@code POLICY_UNAVAILABLE} reason, and what {@code build()} throws when no
 * policy could be loaded). Thread-safe.
 */
final class PolicyEvents implements PolicyListener {
  private static final Logger LOG = LoggerFactory.getLogger(AgentGuard.class);

  private final AuditPipeline audit;
  private volatile boolean anyLoaded;
  private volatile PolicyException lastRejection;

  PolicyEvents(AuditPipeline audit) {
    this.audit = audit;
  }

  /** The last rejection, or {@code null}. */
  PolicyException lastRejection() {
    return lastRejection;
  }

  /** The last rejection's message (file:line:column and the problem), or {@code null}. */
  String lastRejectionText() {
    PolicyException e = lastRejection;
    return e == null ? null : e.getMessage();
  }

  @Override
  public void loaded(PolicySet set) {
    anyLoaded = true;
    LOG.info("policy {} loaded from {}", set.version(), set.source());
    audit.record(AuditEvent.builder(AuditEvent.POLICY_LOADED)
        .policyVersion(set.version())
        .reasons(List.of("loaded from " + set.source())));
  }

  @Override
  public void rejected(String source, PolicyException error) {
    lastRejection = error;
    if (anyLoaded) {
      LOG.warn("policy {} rejected, the previous policy stays live: {}", source, error.getMessage());
    } else {
      LOG.warn("policy {} rejected and no policy is loaded: every call is denied POLICY_UNAVAILABLE: {}",
          source, error.getMessage());
    }
    audit.record(AuditEvent.builder(AuditEvent.POLICY_REJECTED)
        .error(error.getMessage())
        .reasons(List.of("rejected " + source)));
  }
}
