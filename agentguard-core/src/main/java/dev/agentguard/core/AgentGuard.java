package dev.agentguard.core;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditSink;
import dev.agentguard.CredentialClaims;
import dev.agentguard.Decision;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.guard.GuardConfig;
import dev.agentguard.core.internal.guard.GuardImpl;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The entry point: authorizes every call of a protected tool object, at the moment of the call,
 * against the live policy set and the calling task's credential, and records every decision in the
 * audit trail.
 *
 * <pre>{@code
 * AgentGuard guard = AgentGuard.builder()
 *     .policy(Path.of("policy.yaml"))
 *     .auditSink(AuditSinks.jsonLines(Path.of("audit.jsonl")))
 *     .internalHosts("*.acme.example", "localhost")
 *     .build();
 * TicketTools tools = guard.protect(TicketTools.class, new TicketToolsImpl());
 * try (AgentTask task = guard.startTask(spec)) {
 *   tools.read("T-1");
 * }
 * }</pre>
 *
 * <h2>The order of checks on every guarded call (fixed)</h2>
 * <ol>
 *   <li>the guard is open, else deny {@code AUDIT_UNAVAILABLE};
 *   <li>a task of this guard is bound to the calling thread and open, else {@code NO_TASK};
 *   <li>its credential: unexpired at the guard's clock ({@code CREDENTIAL_EXPIRED}), not revoked by
 *       credential, task or agent ({@code CREDENTIAL_REVOKED}), its scopes cover the tool
 *       ({@code OUT_OF_SCOPE});
 *   <li>the risk tier of the tool (see {@link Builder#elevatedRisk(Risk)}): credential age
 *       ({@code CREDENTIAL_EXPIRED}), a principal ({@code FORBIDDEN}), a verified workload identity
 *       ({@code AGENT_UNVERIFIED});
 *   <li>a policy set is loaded, else {@code POLICY_UNAVAILABLE};
 *   <li>the policy's {@code limits}: per-task call budgets and per-agent rates
 *       ({@code LIMIT_EXCEEDED});
 *   <li>user {@link ToolInterceptor}s, in the order added, then the policy decision: a matching
 *       forbid denies ({@code FORBIDDEN}, or {@code EVALUATION_ERROR} when it cannot be evaluated),
 *       else a matching permit allows, else {@code NO_MATCHING_PERMIT}; anything that throws denies
 *       with {@code EVALUATION_ERROR};
 *   <li>the audit record: calls at or above the write-ahead risk are denied
 *       {@code AUDIT_UNAVAILABLE} unless the sinks took the decision record in time; other calls are
 *       enqueued under the configured overflow behaviour;
 *   <li>the tool runs (never on a deny: the caller gets {@link dev.agentguard.AccessDeniedException})
 *       and its outcome and duration are recorded.
 * </ol>
 *
 * <p>Thread-safe. Close it to flush the audit trail; calls after close are denied.
 *
 * @since 0.1.0
 */
public interface AgentGuard extends AutoCloseable {

  /** A new builder. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Wraps {@code target} in a proxy of {@code iface} whose tool methods are authorized on every call.
   * Tool metadata is resolved once, here: {@code @AgentTool} on the interface method or the
   * implementation method (identical if on both), {@code @Attr} and {@code @Redact} on parameters.
   * {@code equals}, {@code hashCode} and {@code toString} pass through to the target; default
   * methods without {@code @AgentTool} run with the proxy as {@code this}.
   *
   * @throws IllegalArgumentException if {@code iface} is not an interface, a method is misdeclared
   *     (invalid tool name, unknown attribute root, unsupported parameter type, conflicting
   *     annotations), or an abstract method is no tool and unannotated methods are not allowed
   */
  <T> T protect(Class<T> iface, T target);

  /**
   * Binds one {@code @AgentTool} method of a plain object (no interface needed) to the guard, for
   * framework adapters that invoke tools reflectively. Metadata is resolved once, here, exactly as
   * in {@link #protect}.
   *
   * @throws IllegalArgumentException if the method carries no {@code @AgentTool}, is misdeclared, or
   *     is not a method of {@code target}'s class
   */
  GuardedMethod guardMethod(Object target, java.lang.reflect.Method method);

  /**
   * Starts a task: issues its credential (TTL from the spec, capped by the guard maximum), records
   * {@code task.started} and binds the task to the current thread until it is closed.
   *
   * @throws dev.agentguard.AgentGuardException if the guard is closed or the audit trail refuses the record
   */
  AgentTask startTask(TaskSpec spec);

  /** The task of this guard bound to the current thread, if any and still open. */
  Optional<AgentTask> currentTask();

  /**
   * Decides a call under the current task without running anything (a dry run): the decision is
   * audited, but budgets and task history are not consumed.
   */
  Decision check(ToolRequest request);

  /**
   * Decides a call under the current task and, when allowed, runs {@code action}, audits the
   * outcome and updates the task history.
   *
   * @throws dev.agentguard.AccessDeniedException when denied; {@code action} did not run
   * @throws dev.agentguard.ToolInvocationException wrapping a checked exception of {@code action};
   *     unchecked exceptions and errors propagate unchanged
   */
  <V> V call(ToolRequest request, Callable<V> action);

  /** Revokes one credential. Once this returns, no call with it passes. Idempotent. */
  void revokeCredential(String credentialId);

  /** Revokes a task's credential. Once this returns, no call of the task passes. Idempotent. */
  void revokeTask(String taskId);

  /**
   * Revokes every credential issued to an agent so far. Once this returns, none of them passes;
   * tasks started afterwards get fresh credentials.
   */
  void revokeAgent(String agentId);

  /**
   * Verifies a task credential token that arrived from outside (strict JWS checks, expiry at the
   * guard clock, revocation).
   *
   * @throws dev.agentguard.CredentialException saying why the token was rejected
   */
  CredentialClaims verifyCredential(String token);

  /** The JWK set (public part only) that downstream services verify this guard's credentials with. */
  String publicJwks();

  /** The version of the live policy set, or empty when none is loaded. */
  Optional<String> policyVersion();

  /** The audit pipeline's health. */
  AuditHealth auditHealth();

  /** Stops accepting calls, drains and flushes the audit trail (bounded) and stops policy watching. Idempotent. */
  @Override
  void close();

  /**
   * Configures an {@link AgentGuard}. Each single-valued setting may be given once. Not thread-safe.
   *
   * @since 0.1.0
   */
  final class Builder {
    private Path policyFile;
    private PolicySet policySet;
    private final List<AuditSink> sinks = new ArrayList<>();
    private final List<ToolInterceptor> interceptors = new ArrayList<>();
    private List<String> internalHosts;
    private Clock clock;
    private SigningKey signingKey;
    private String issuer;
    private String audience;
    private Duration defaultTtl;
    private Duration maxTtl;
    private Risk writeAheadRisk;
    private Duration writeAheadTimeout;
    private Risk elevatedRisk;
    private Duration elevatedMaxCredentialAge;
    private Boolean elevatedRequiresPrincipal;
    private Boolean elevatedRequiresVerifiedAgent;
    private Boolean allowUnannotatedMethods;
    private Integer auditQueueCapacity;
    private AuditOverflow auditOverflow;
    private Duration auditOverflowWait;
    private Duration auditCloseTimeout;
    private Long checkpointEvents;
    private Duration checkpointInterval;
    private Duration policyPollInterval;

    Builder() {}

    /** A policy file (YAML or JSON), watched and hot-reloaded. Exclusive with {@link #policy(PolicySet)}. */
    public Builder policy(Path file) {
      once(policyFile == null && policySet == null, "policy");
      this.policyFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** A fixed policy set. Exclusive with {@link #policy(Path)}. */
    public Builder policy(PolicySet set) {
      once(policyFile == null && policySet == null, "policy");
      this.policySet = Objects.requireNonNull(set, "set");
      return this;
    }

    /** How often the policy file is polled in addition to file-system events; default 1 s. */
    public Builder policyPollInterval(Duration interval) {
      once(policyPollInterval == null, "policyPollInterval");
      this.policyPollInterval = positive(interval, "policyPollInterval");
      return this;
    }

    /** Adds an audit sink; may be called several times. Without any, events go to an SLF4J sink. */
    public Builder auditSink(AuditSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Adds an interceptor; they run in the order added, after the built-in checks. */
    public Builder interceptor(ToolInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Host globs that count as internal: {@code destination.external} is true when
     * {@code destination.host} matches none of them. {@code *} stops at dots, so
     * {@code *.acme.example} matches {@code api.acme.example} but not {@code a.b.acme.example}
     * (use {@code **.acme.example}). Default: none, so every host is external.
     */
    public Builder internalHosts(String... globs) {
      once(internalHosts == null, "internalHosts");
      this.internalHosts = List.of(globs);
      return this;
    }

    /** The clock every expiry, TTL and policy time reads; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      once(this.clock == null, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The Ed25519 key that signs credentials and audit checkpoints; default a fresh ephemeral key. */
    public Builder signingKey(SigningKey key) {
      once(signingKey == null, "signingKey");
      this.signingKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** The credentials' {@code iss}; default {@code "agentguard"}. */
    public Builder issuer(String issuer) {
      once(this.issuer == null, "issuer");
      this.issuer = nonEmpty(issuer, "issuer");
      return this;
    }

    /** The credentials' {@code aud}; default {@code "agentguard-tools"}. */
    public Builder audience(String audience) {
      once(this.audience == null, "audience");
      this.audience = nonEmpty(audience, "audience");
      return this;
    }

    /** Credential lifetime for specs that name none; default 5 minutes (or the maximum, when lower). */
    public Builder defaultTaskTtl(Duration ttl) {
      once(defaultTtl == null, "defaultTaskTtl");
      this.defaultTtl = positive(ttl, "defaultTaskTtl");
      return this;
    }

    /** The longest credential lifetime granted, whatever a spec asks; default 1 hour. */
    public Builder maxTaskTtl(Duration ttl) {
      once(maxTtl == null, "maxTaskTtl");
      this.maxTtl = positive(ttl, "maxTaskTtl");
      return this;
    }

    /**
     * Calls of tools at or above this risk are write-ahead audited: the tool runs only after every
     * sink took the decision record. Default {@link Risk#HIGH}.
     */
    public Builder writeAheadRisk(Risk risk) {
      once(writeAheadRisk == null, "writeAheadRisk");
      this.writeAheadRisk = Objects.requireNonNull(risk, "risk");
      return this;
    }

    /** How long a write-ahead call waits for the sinks before it is denied; default 2 s. */
    public Builder writeAheadTimeout(Duration timeout) {
      once(writeAheadTimeout == null, "writeAheadTimeout");
      this.writeAheadTimeout = positive(timeout, "writeAheadTimeout");
      return this;
    }

    /**
     * The elevated risk tier: tools at or above this risk (default {@link Risk#HIGH}) are denied
     * unless the task's credential is younger than {@link #elevatedMaxCredentialAge(Duration)},
     * when {@link #elevatedRequiresPrincipal(boolean)} is on the task acts on behalf of a principal,
     * and when {@link #elevatedRequiresVerifiedAgent(boolean)} is on the agent's identity was proven.
     */
    public Builder elevatedRisk(Risk risk) {
      once(elevatedRisk == null, "elevatedRisk");
      this.elevatedRisk = Objects.requireNonNull(risk, "risk");
      return this;
    }

    /** Maximum credential age for elevated-risk tools (denied {@code CREDENTIAL_EXPIRED} past it); default: no limit. */
    public Builder elevatedMaxCredentialAge(Duration age) {
      once(elevatedMaxCredentialAge == null, "elevatedMaxCredentialAge");
      this.elevatedMaxCredentialAge = positive(age, "elevatedMaxCredentialAge");
      return this;
    }

    /** Whether elevated-risk tools need a task with {@code onBehalfOf} (denied {@code FORBIDDEN} otherwise); default false. */
    public Builder elevatedRequiresPrincipal(boolean required) {
      once(elevatedRequiresPrincipal == null, "elevatedRequiresPrincipal");
      this.elevatedRequiresPrincipal = required;
      return this;
    }

    /**
     * Whether elevated-risk tools need an agent whose workload identity was proven (an identity from
     * {@link SvidVerifier}; denied {@code AGENT_UNVERIFIED} otherwise); default false. This is the
     * switch a security team turns on for HIGH and CRITICAL tools without touching each rule.
     */
    public Builder elevatedRequiresVerifiedAgent(boolean required) {
      once(elevatedRequiresVerifiedAgent == null, "elevatedRequiresVerifiedAgent");
      this.elevatedRequiresVerifiedAgent = required;
      return this;
    }

    /**
     * Lets abstract methods without {@code @AgentTool} pass through to the target unguarded instead
     * of failing {@link AgentGuard#protect}. Default false: every method of a protected interface
     * must be a tool.
     */
    public Builder allowUnannotatedMethods(boolean allow) {
      once(allowUnannotatedMethods == null, "allowUnannotatedMethods");
      this.allowUnannotatedMethods = allow;
      return this;
    }

    /** Capacity of the audit queue; default 65,536 events. */
    public Builder auditQueueCapacity(int capacity) {
      once(auditQueueCapacity == null, "auditQueueCapacity");
      if (capacity < 16) {
        throw new IllegalArgumentException("auditQueueCapacity must be at least 16, was " + capacity);
      }
      this.auditQueueCapacity = capacity;
      return this;
    }

    /**
     * What callers do when the audit queue is full: {@link AuditOverflow#BLOCK} (default, wait),
     * {@link AuditOverflow#DENY_AFTER_WAIT} (wait up to {@code wait}, then deny
     * {@code AUDIT_UNAVAILABLE}) or {@link AuditOverflow#GAP} (go on; an {@code audit.gap} record
     * counts what was not written).
     */
    public Builder auditOverflow(AuditOverflow overflow, Duration wait) {
      once(auditOverflow == null, "auditOverflow");
      this.auditOverflow = Objects.requireNonNull(overflow, "overflow");
      this.auditOverflowWait = Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("auditOverflow wait must not be negative, was " + wait);
      }
      return this;
    }

    /** How long {@link AgentGuard#close()} waits for failing sinks before giving up; default 10 s. */
    public Builder auditCloseTimeout(Duration timeout) {
      once(auditCloseTimeout == null, "auditCloseTimeout");
      this.auditCloseTimeout = positive(timeout, "auditCloseTimeout");
      return this;
    }

    /**
     * Signed audit checkpoints every {@code events} events and every {@code interval} (whichever
     * comes first); a clean close ends the trail with a signed {@code audit.closed} record instead.
     * Default: every 1,000 events or 60 s.
     */
    public Builder auditCheckpoints(long events, Duration interval) {
      once(checkpointEvents == null, "auditCheckpoints");
      if (events < 1) {
        throw new IllegalArgumentException("checkpoint events must be positive, was " + events);
      }
      this.checkpointEvents = events;
      this.checkpointInterval = positive(interval, "checkpoint interval");
      return this;
    }

    /**
     * Builds and starts the guard (audit writer thread, policy watcher).
     *
     * @throws IllegalStateException if no policy was configured
     * @throws IllegalArgumentException if a setting is invalid (e.g. a malformed host glob)
     */
    public AgentGuard build() {
      if (policyFile == null && policySet == null) {
        throw new IllegalStateException("a guard needs a policy: call policy(Path) or policy(PolicySet)");
      }
      Duration max = or(maxTtl, Duration.ofHours(1));
      Duration dflt = defaultTtl != null ? defaultTtl
          : Duration.ofMinutes(5).compareTo(max) > 0 ? max : Duration.ofMinutes(5);
      if (dflt.compareTo(max) > 0) {
        throw new IllegalArgumentException("defaultTaskTtl " + dflt + " exceeds maxTaskTtl " + max);
      }
      GuardConfig config = new GuardConfig(
          policyFile,
          policySet,
          or(policyPollInterval, Duration.ofSeconds(1)),
          List.copyOf(sinks),
          List.copyOf(interceptors),
          internalHosts == null ? List.of() : internalHosts,
          or(clock, Clock.systemUTC()),
          signingKey == null ? SigningKey.generate() : signingKey,
          or(issuer, "agentguard"),
          or(audience, "agentguard-tools"),
          dflt,
          max,
          or(writeAheadRisk, Risk.HIGH),
          or(writeAheadTimeout, Duration.ofSeconds(2)),
          or(elevatedRisk, Risk.HIGH),
          elevatedMaxCredentialAge,
          Boolean.TRUE.equals(elevatedRequiresPrincipal),
          Boolean.TRUE.equals(elevatedRequiresVerifiedAgent),
          Boolean.TRUE.equals(allowUnannotatedMethods),
          or(auditQueueCapacity, AuditConfig.DEFAULT_QUEUE_CAPACITY),
          or(auditOverflow, AuditConfig.DEFAULT_OVERFLOW),
          or(auditOverflowWait, AuditConfig.DEFAULT_OVERFLOW_WAIT),
          or(auditCloseTimeout, AuditConfig.DEFAULT_CLOSE_TIMEOUT),
          or(checkpointEvents, AuditConfig.DEFAULT_CHECKPOINT_EVENTS),
          or(checkpointInterval, AuditConfig.DEFAULT_CHECKPOINT_INTERVAL));
      return GuardImpl.start(config);
    }

    private static <V> V or(V value, V fallback) {
      return value != null ? value : fallback;
    }

    private static void once(boolean unset, String name) {
      if (!unset) {
        throw new IllegalStateException(name + " set twice");
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    private static String nonEmpty(String s, String name) {
      Objects.requireNonNull(s, name);
      if (s.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return s;
    }
  }
}
