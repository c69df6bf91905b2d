package dev.agentguard.springboot;

import dev.agentguard.Risk;
import dev.agentguard.core.AuditOverflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code agentguard.*} properties the auto-configured {@code AgentGuard} is built from. Unset
 * values keep the defaults of {@code AgentGuard.Builder}.
 *
 * <p>Mutable while Spring binds it; not thread-safe.
 *
 * @since 0.2.0
 */
@ConfigurationProperties(prefix = "agentguard")
public class AgentGuardProperties {
  /** Whether to auto-configure an AgentGuard at all. */
  private boolean enabled = true;

  /**
   * The policy document (YAML or JSON) as a Spring resource, e.g. {@code classpath:policy.yaml} or
   * {@code file:/etc/agent/policy.yaml}. A file is watched and hot-reloaded; a resource inside a jar
   * is read once. Required.
   */
  private Resource policy;

  /** How often a policy file is checked for changes. */
  private Duration policyPollInterval;

  /**
   * Host globs that count as internal: destination.external is true when destination.host matches
   * none of them.
   */
  private List<String> internalHosts = new ArrayList<>();

  /** The issuer of task credentials. */
  private String issuer;

  /** The audience of task credentials. */
  private String audience;

  private final Audit audit = new Audit();
  private final RiskTiers risk = new RiskTiers();
  private final Tasks task = new Tasks();
  private final SpringAi springAi = new SpringAi();

  /** Whether the guard is auto-configured. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether the guard is auto-configured. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** The policy resource, or null. */
  public Resource getPolicy() {
    return policy;
  }

  /** Sets the policy resource. */
  public void setPolicy(Resource policy) {
    this.policy = policy;
  }

  /** The policy poll interval, or null. */
  public Duration getPolicyPollInterval() {
    return policyPollInterval;
  }

  /** Sets the policy poll interval. */
  public void setPolicyPollInterval(Duration policyPollInterval) {
    this.policyPollInterval = policyPollInterval;
  }

  /** The internal host globs. */
  public List<String> getInternalHosts() {
    return internalHosts;
  }

  /** Sets the internal host globs. */
  public void setInternalHosts(List<String> internalHosts) {
    this.internalHosts = internalHosts;
  }

  /** The credential issuer, or null. */
  public String getIssuer() {
    return issuer;
  }

  /** Sets the credential issuer. */
  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  /** The credential audience, or null. */
  public String getAudience() {
    return audience;
  }

  /** Sets the credential audience. */
  public void setAudience(String audience) {
    this.audience = audience;
  }

  /** The audit settings. */
  public Audit getAudit() {
    return audit;
  }

  /** The risk tier settings. */
  public RiskTiers getRisk() {
    return risk;
  }

  /** The task settings. */
  public Tasks getTask() {
    return task;
  }

  /** The Spring AI settings. */
  public SpringAi getSpringAi() {
    return springAi;
  }

  /**
   * {@code agentguard.audit.*}.
   *
   * @since 0.2.0
   */
  public static class Audit {
    /** A JSON Lines audit file (hash-chained, verifiable with AuditLog.verify). */
    private Path file;

    /** The capacity of the audit queue, in events. */
    private Integer queueCapacity;

    /** What callers do when the audit queue is full: BLOCK, DENY_AFTER_WAIT or GAP. */
    private AuditOverflow overflow;

    /** How long a caller waits for room in a full queue (DENY_AFTER_WAIT and GAP). */
    private Duration overflowWait = Duration.ofMillis(100);

    /** How long close() drains the audit trail before giving up on a failing sink. */
    private Duration closeTimeout;

    /** The audit file, or null. */
    public Path getFile() {
      return file;
    }

    /** Sets the audit file. */
    public void setFile(Path file) {
      this.file = file;
    }

    /** The queue capacity, or null. */
    public Integer getQueueCapacity() {
      return queueCapacity;
    }

    /** Sets the queue capacity. */
    public void setQueueCapacity(Integer queueCapacity) {
      this.queueCapacity = queueCapacity;
    }

    /** The overflow mode, or null. */
    public AuditOverflow getOverflow() {
      return overflow;
    }

    /** Sets the overflow mode. */
    public void setOverflow(AuditOverflow overflow) {
      this.overflow = overflow;
    }

    /** The overflow wait. */
    public Duration getOverflowWait() {
      return overflowWait;
    }

    /** Sets the overflow wait. */
    public void setOverflowWait(Duration overflowWait) {
      this.overflowWait = overflowWait;
    }

    /** The close timeout, or null. */
    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    /** Sets the close timeout. */
    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }
  }

  /**
   * {@code agentguard.risk.*}: write-ahead audit and the elevated tier.
   *
   * @since 0.2.0
   */
  public static class RiskTiers {
    /** Tools at or above this risk are write-ahead audited. */
    private Risk writeAhead;

    /** How long a write-ahead call waits for the sinks before it is denied AUDIT_UNAVAILABLE. */
    private Duration writeAheadTimeout;

    /** Tools at or above this risk form the elevated tier. */
    private Risk elevated;

    /** The maximum credential age for elevated tools. */
    private Duration elevatedMaxCredentialAge;

    /** Whether elevated tools need a task on behalf of a principal. */
    private Boolean elevatedRequiresPrincipal;

    /** Whether elevated tools need an agent with a verified workload identity. */
    private Boolean elevatedRequiresVerifiedAgent;

    /** The write-ahead risk, or null. */
    public Risk getWriteAhead() {
      return writeAhead;
    }

    /** Sets the write-ahead risk. */
    public void setWriteAhead(Risk writeAhead) {
      this.writeAhead = writeAhead;
    }

    /** The write-ahead timeout, or null. */
    public Duration getWriteAheadTimeout() {
      return writeAheadTimeout;
    }

    /** Sets the write-ahead timeout. */
    public void setWriteAheadTimeout(Duration writeAheadTimeout) {
      this.writeAheadTimeout = writeAheadTimeout;
    }

    /** The elevated risk, or null. */
    public Risk getElevated() {
      return elevated;
    }

    /** Sets the elevated risk. */
    public void setElevated(Risk elevated) {
      this.elevated = elevated;
    }

    /** The elevated maximum credential age, or null. */
    public Duration getElevatedMaxCredentialAge() {
      return elevatedMaxCredentialAge;
    }

    /** Sets the elevated maximum credential age. */
    public void setElevatedMaxCredentialAge(Duration elevatedMaxCredentialAge) {
      this.elevatedMaxCredentialAge = elevatedMaxCredentialAge;
    }

    /** Whether elevated tools need a principal, or null. */
    public Boolean getElevatedRequiresPrincipal() {
      return elevatedRequiresPrincipal;
    }

    /** Sets whether elevated tools need a principal. */
    public void setElevatedRequiresPrincipal(Boolean elevatedRequiresPrincipal) {
      this.elevatedRequiresPrincipal = elevatedRequiresPrincipal;
    }

    /** Whether elevated tools need a verified agent, or null. */
    public Boolean getElevatedRequiresVerifiedAgent() {
      return elevatedRequiresVerifiedAgent;
    }

    /** Sets whether elevated tools need a verified agent. */
    public void setElevatedRequiresVerifiedAgent(Boolean elevatedRequiresVerifiedAgent) {
      this.elevatedRequiresVerifiedAgent = elevatedRequiresVerifiedAgent;
    }
  }

  /**
   * {@code agentguard.task.*}: credential lifetimes.
   *
   * @since 0.2.0
   */
  public static class Tasks {
    /** The TTL of a task whose spec gives none. */
    private Duration defaultTtl;

    /** The maximum TTL of any task. */
    private Duration maxTtl;

    /** The default TTL, or null. */
    public Duration getDefaultTtl() {
      return defaultTtl;
    }

    /** Sets the default TTL. */
    public void setDefaultTtl(Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
    }

    /** The maximum TTL, or null. */
    public Duration getMaxTtl() {
      return maxTtl;
    }

    /** Sets the maximum TTL. */
    public void setMaxTtl(Duration maxTtl) {
      this.maxTtl = maxTtl;
    }
  }

  /**
   * {@code agentguard.spring-ai.*}.
   *
   * @since 0.2.0
   */
  public static class SpringAi {
    /** Whether @Tool bean methods with @AgentTool are guarded and offered by the auto-configured ChatClient.Builder. */
    private boolean enabled = true;

    /** Whether a denied call throws (to Spring AI's exception processor) instead of returning the denial text. */
    private boolean denialsThrow = false;

    /** Whether requests may carry unguarded tool callbacks (they then run unguarded). */
    private boolean allowUnguardedTools = false;

    /** Whether the Spring AI integration is on. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether the Spring AI integration is on. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Whether denials throw. */
    public boolean isDenialsThrow() {
      return denialsThrow;
    }

    /** Sets whether denials throw. */
    public void setDenialsThrow(boolean denialsThrow) {
      this.denialsThrow = denialsThrow;
    }

    /** Whether unguarded tools are allowed. */
    public boolean isAllowUnguardedTools() {
      return allowUnguardedTools;
    }

    /** Sets whether unguarded tools are allowed. */
    public void setAllowUnguardedTools(boolean allowUnguardedTools) {
      this.allowUnguardedTools = allowUnguardedTools;
    }
  }
}
