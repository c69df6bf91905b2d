package dev.agentguard.core;

import dev.agentguard.AgentTask;
import dev.agentguard.ApprovalHandler;
import dev.agentguard.AuditSink;
import dev.agentguard.CredentialClaims;
import dev.agentguard.Decision;
import dev.agentguard.Risk;
import dev.agentguard.SecretBroker;
import dev.agentguard.ToolCall;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.Settings;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.guard.GuardConfig;
import dev.agentguard.core.internal.guard.GuardImpl;
import dev.agentguard.core.spi.CallObserver;
import dev.agentguard.core.internal.guard.RolloutSettings;
import dev.agentguard.core.internal.secret.SecretsConfig;
import dev.agentguard.core.spi.ObligationStep;
import dev.agentguard.core.spi.RateWindows;
import dev.agentguard.core.spi.RevocationStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * <p>Each check is one step of the request path; the first that denies ends the call, and the deny is
 * recorded.
 * <ol>
 *   <li>the guard is open, else deny {@code AUDIT_UNAVAILABLE};
 *   <li>a task of this guard is bound to the calling thread and open, else {@code NO_TASK};
 *   <li>its credential is valid at the guard's clock, else {@code CREDENTIAL_EXPIRED};
 *   <li>it is not revoked by credential, task or agent, else {@code CREDENTIAL_REVOKED} (and
 *       {@code REVOCATION_UNAVAILABLE} while the {@link dev.agentguard.core.spi.RevocationStore} says
 *       its view is stale);
 *   <li>its scopes cover the tool, else {@code OUT_OF_SCOPE};
 *   <li>the risk tier of the tool (see {@link Builder#elevatedRisk(Risk)}), in this order: credential
 *       age ({@code CREDENTIAL_EXPIRED}), a verified workload identity ({@code AGENT_UNVERIFIED}), a
 *       principal ({@code FORBIDDEN});
 *   <li>a policy set is loaded, else {@code POLICY_UNAVAILABLE} (the reason names the last rejection);
 *   <li>the policy's {@code limits}: per-task call budgets and per-agent rates
 *       ({@code LIMIT_EXCEEDED}); the call reserves them here and gives them back on any later deny;
 *   <li>user {@link ToolInterceptor}s, in the order added, then the policy decision: a matching
 *       forbid denies ({@code FORBIDDEN}, or {@code EVALUATION_ERROR} when it cannot be evaluated),
 *       else a matching permit allows, else {@code NO_MATCHING_PERMIT}. Interceptors may add or
 *       replace plain attributes only: the tool's name, action, risk and sensitivity stay as declared,
 *       and derived attributes ({@code destination.scheme/host/port} from {@code destination.url},
 *       {@code destination.external} from the host) are recomputed after every interceptor;
 *   <li>obligations: a call a rule permits only with {@code approval: required} waits for the
 *       {@link Builder#approvals approval handler} (denied {@code APPROVAL_DENIED} when refused,
 *       {@code APPROVAL_REQUIRED} without an answer in time); then the
 *       {@link Builder#obligations(dev.agentguard.core.spi.ObligationStep) obligation step} (none by
 *       default), which may only pass or deny;
 *   <li>secrets, in a guard with {@link Builder#secretBroker secret brokers} only: the task's leases
 *       of the secrets the tool declares are obtained or reused, else {@code SECRET_UNAVAILABLE};
 *   <li>audit admission: calls of tools declared at or above the write-ahead risk are denied
 *       {@code AUDIT_UNAVAILABLE} unless the sinks took the decision record in time; other calls are
 *       enqueued under the configured overflow behaviour. Only a call admitted here counts against
 *       the budgets and {@code task.calls};
 *   <li>the tool runs (never on a deny: the caller gets {@link dev.agentguard.AccessDeniedException})
 *       and its outcome and duration are recorded.
 * </ol>
 * Anything a step, an interceptor or the policy throws (checked, unchecked or an {@code Error})
 * denies with {@code EVALUATION_ERROR} and is recorded; only a {@link VirtualMachineError}
 * propagates, and then nothing was allowed.
 *
 * <h2>Exceptions</h2>
 * <p>Decisions and runtime failures surface as {@link dev.agentguard.AgentGuardException}s
 * ({@code AccessDeniedException}, {@code PolicyException}, {@code CredentialException}, ...).
 * Programming errors surface as the usual Java exceptions: {@code NullPointerException} for a
 * missing argument, {@code IllegalArgumentException} for an invalid one (a malformed tool
 * declaration, scope or setting), {@code IllegalStateException} for a setting given twice.
 *
 * <h2>Shutdown</h2>
 * <p>By default the guard registers a JVM shutdown hook that runs {@link #close()} (open tasks are
 * closed, waiting at most {@link Builder#taskCloseTimeout(Duration)} for calls in flight, then the
 * audit trail is drained within {@link Builder#auditCloseTimeout(Duration)}), so a JVM that exits
 * without closing the guard does not lose the tail of the trail. {@link Builder#closeOnShutdown(boolean)}
 * turns it off; the hook keeps the guard reachable until it is closed.
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
   * Tool metadata is resolved once, here, from every declaration of a method: the interface method,
   * each superinterface declaring it, and the exact implementation method on {@code target}'s class
   * (generic parameters resolved against its type arguments, so an overload is never mistaken for
   * the implementation; covariant returns and bridges resolved). Declarations that carry
   * {@code @AgentTool} must carry identical values. The implementation method so resolved is the one
   * the call is decided as and the one that runs.
   *
   * <p>Bound ({@code @Attr}) and {@code @Redact} arguments are copied once per call; the decision,
   * its audit record (with the digests of redacted values) and the tool body all use that copy.
   * An argument that cannot be copied or frozen is denied {@code EVALUATION_ERROR} and recorded.
   *
   * <p>{@code equals}, {@code hashCode} and {@code toString} are <em>tools like any other</em> when
   * any of their declarations (re-declared on the interface, or on the implementation) carries
   * {@code @AgentTool}: they are then decided and may be denied, so a logger or collection touching
   * the proxy outside a task gets an {@code AccessDeniedException}. Without the annotation they
   * pass through to the target. Default methods without {@code @AgentTool} run with the proxy as
   * {@code this}.
   *
   * @throws IllegalArgumentException if {@code iface} is not an interface, a method is misdeclared
   *     (invalid tool name, unknown attribute root, a bound or redacted parameter type that cannot be
   *     copied, conflicting annotations on any two declarations, an unnamed {@code @Redact} compiled
   *     without {@code -parameters}), or an abstract method is no tool and unannotated methods are
   *     not allowed
   */
  <T> T protect(Class<T> iface, T target);

  /**
   * Binds one {@code @AgentTool} method of a plain object (no interface needed) to the guard, for
   * framework adapters that invoke tools reflectively. Metadata is resolved once, here, exactly as
   * in {@link #protect} (for a compiler bridge method: as the method it bridges to); the resolved
   * implementation runs on the copied arguments.
   *
   * @throws IllegalArgumentException if the method carries no {@code @AgentTool}, is misdeclared, or
   *     is not a method of {@code target}'s class
   */
  GuardedMethod guardMethod(Object target, java.lang.reflect.Method method);

  /**
   * Starts a task: issues its credential (TTL from the spec, capped by the guard maximum), records
   * {@code task.started} and binds the task to the current thread until it is closed.
   *
   * @throws dev.agentguard.AgentGuardException if the guard is closed (a closed guard starts no
   *     task: there is no call to deny yet, so this throws rather than returning a task whose every
   *     call would be denied) or the audit trail refuses the record
   * @throws IllegalArgumentException if a scope of the spec is not a valid glob
   */
  AgentTask startTask(TaskSpec spec);

  /**
   * Opens a task without binding it to any thread: for a task that outlives the thread that creates
   * it (a server session, a conversation, work handed to a pool), the way OpenTelemetry separates
   * creating a {@code Context} from {@code makeCurrent()}. Everything else is as
   * {@link #startTask}: the credential is issued (TTL from the spec, capped by the guard maximum),
   * {@code task.started} is recorded, per-task limits count every call of the task, revocation by
   * credential, task or agent applies, and {@link #close()} of the guard closes it.
   *
   * <p>Run work under it with {@link AgentTask#wrap(Runnable)}, {@link AgentTask#wrap(Callable)} or
   * {@link AgentTask#wrap(java.util.concurrent.Executor)}: the task is bound only while the wrapped
   * work runs, then the thread gets back what it had bound before. Binding never changes the task:
   * calls run as the task's own agent, under its own scopes and credential. It may be bound on
   * several threads at once; their calls share the task's budgets and history, and
   * {@link AgentTask#close()} waits (bounded) for the calls in flight on all of them. Closing it
   * revokes its credential; a closed task binds nothing usable: guarded calls in work wrapped with
   * it, also work wrapped before the close, are denied {@code NO_TASK} and recorded, and never fall
   * back to a task the thread had bound before.
   *
   * <pre>{@code
   * AgentTask session = guard.openTask(spec);       // bound to no thread
   * executor.submit(session.wrap(() -> tools.read("T-1")));
   * ...
   * session.close();
   * }</pre>
   *
   * @throws dev.agentguard.AgentGuardException if the guard is closed or the audit trail refuses
   *     the {@code task.started} record
   * @throws IllegalArgumentException if a scope of the spec is not a valid glob
   * @throws NullPointerException if {@code spec} is null
   * @since 0.2.0
   */
  AgentTask openTask(TaskSpec spec);

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

  /**
   * This guard's instance id: the one given to {@link Builder#instanceId(String)}, or a random id
   * ({@code ag-} and 16 hex digits) chosen at build time. Fleet registries and audit exports name a
   * guard by it.
   *
   * @since 0.2.0
   */
  String instanceId();

  /**
   * The allowed guarded call whose tool body runs on this thread; the same as
   * {@link ToolCall#current()} (which tool code that depends on {@code agentguard-api} only can use).
   * Its {@link ToolCall#secret(String) secret(name)} hands out the task's lease of a secret the tool
   * declares.
   *
   * @throws dev.agentguard.SecretUnavailableException if no such call runs on this thread
   * @since 0.2.0
   */
  static ToolCall currentCall() {
    return ToolCall.current();
  }

  /**
   * Stops accepting calls and tasks, closes open tasks (waiting, bounded, for calls in flight), drains
   * and flushes the audit trail (bounded) and stops policy watching. Idempotent.
   */
  @Override
  void close();

  /**
   * Configures an {@link AgentGuard}. Each single-valued setting may be given once. Not thread-safe.
   *
   * @since 0.1.0
   */
  final class Builder {
    private static final java.util.regex.Pattern INSTANCE_ID =
        java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final java.util.regex.Pattern SECRET_NAME =
        java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

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
    private Boolean allowStartWithoutPolicy;
    private Duration taskCloseTimeout;
    private Boolean closeOnShutdown;
    private RevocationStore revocationStore;
    private RateWindows rateWindows;
    private ObligationStep obligations;
    private String instanceId;
    // call observation (tracing, metrics)
    private CallObserver callObserver;
    // secrets (issue 15)
    private final Map<String, SecretBroker> secretBrokers = new LinkedHashMap<>();
    private final Map<String, Set<String>> toolSecrets = new LinkedHashMap<>();
    private Duration secretIssueTimeout;

    Builder() {}

    /** A policy file (YAML or JSON), watched and hot-reloaded. Exclusive with {@link #policy(PolicySet)}. */
    public Builder policy(Path file) {
      Settings.requireUnset(policyFile != null ? policyFile : policySet, "policy");
      this.policyFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** A fixed policy set. Exclusive with {@link #policy(Path)}. */
    public Builder policy(PolicySet set) {
      Settings.requireUnset(policyFile != null ? policyFile : policySet, "policy");
      this.policySet = Objects.requireNonNull(set, "set");
      return this;
    }

    /** How often the policy file is polled in addition to file-system events; default 1 s. */
    public Builder policyPollInterval(Duration interval) {
      Settings.requireUnset(policyPollInterval, "policyPollInterval");
      this.policyPollInterval = Settings.positive(interval, "policyPollInterval");
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
      Settings.requireUnset(internalHosts, "internalHosts");
      this.internalHosts = List.of(globs);
      return this;
    }

    /** The clock every expiry, TTL and policy time reads; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Settings.setOnce(this.clock, clock, "clock");
      return this;
    }

    /** The Ed25519 key that signs credentials and audit checkpoints; default a fresh ephemeral key. */
    public Builder signingKey(SigningKey key) {
      this.signingKey = Settings.setOnce(signingKey, key, "signingKey");
      return this;
    }

    /** The credentials' {@code iss}; default {@code "agentguard"}. */
    public Builder issuer(String issuer) {
      Settings.requireUnset(this.issuer, "issuer");
      this.issuer = nonEmpty(issuer, "issuer");
      return this;
    }

    /** The credentials' {@code aud}; default {@code "agentguard-tools"}. */
    public Builder audience(String audience) {
      Settings.requireUnset(this.audience, "audience");
      this.audience = nonEmpty(audience, "audience");
      return this;
    }

    /** Credential lifetime for specs that name none; default 5 minutes (or the maximum, when lower). */
    public Builder defaultTaskTtl(Duration ttl) {
      Settings.requireUnset(defaultTtl, "defaultTaskTtl");
      this.defaultTtl = Settings.positive(ttl, "defaultTaskTtl");
      return this;
    }

    /** The longest credential lifetime granted, whatever a spec asks; default 1 hour. */
    public Builder maxTaskTtl(Duration ttl) {
      Settings.requireUnset(maxTtl, "maxTaskTtl");
      this.maxTtl = Settings.positive(ttl, "maxTaskTtl");
      return this;
    }

    /**
     * Calls of tools at or above this risk are write-ahead audited: the tool runs only after every
     * sink took the decision record. Default {@link Risk#HIGH}.
     */
    public Builder writeAheadRisk(Risk risk) {
      this.writeAheadRisk = Settings.setOnce(writeAheadRisk, risk, "writeAheadRisk");
      return this;
    }

    /** How long a write-ahead call waits for the sinks before it is denied; default 2 s. */
    public Builder writeAheadTimeout(Duration timeout) {
      Settings.requireUnset(writeAheadTimeout, "writeAheadTimeout");
      this.writeAheadTimeout = Settings.positive(timeout, "writeAheadTimeout");
      return this;
    }

    /**
     * The elevated risk tier: tools at or above this risk (default {@link Risk#HIGH}) are denied
     * unless the task's credential is younger than {@link #elevatedMaxCredentialAge(Duration)},
     * when {@link #elevatedRequiresPrincipal(boolean)} is on the task acts on behalf of a principal,
     * and when {@link #elevatedRequiresVerifiedAgent(boolean)} is on the agent's identity was proven.
     */
    public Builder elevatedRisk(Risk risk) {
      this.elevatedRisk = Settings.setOnce(elevatedRisk, risk, "elevatedRisk");
      return this;
    }

    /** Maximum credential age for elevated-risk tools (denied {@code CREDENTIAL_EXPIRED} past it); default: no limit. */
    public Builder elevatedMaxCredentialAge(Duration age) {
      Settings.requireUnset(elevatedMaxCredentialAge, "elevatedMaxCredentialAge");
      this.elevatedMaxCredentialAge = Settings.positive(age, "elevatedMaxCredentialAge");
      return this;
    }

    /** Whether elevated-risk tools need a task with {@code onBehalfOf} (denied {@code FORBIDDEN} otherwise); default false. */
    public Builder elevatedRequiresPrincipal(boolean required) {
      this.elevatedRequiresPrincipal = Settings.setOnce(elevatedRequiresPrincipal, required, "elevatedRequiresPrincipal");
      return this;
    }

    /**
     * Whether elevated-risk tools need an agent whose workload identity was proven (an identity from
     * {@link SvidVerifier}; denied {@code AGENT_UNVERIFIED} otherwise); default false. This is the
     * switch a security team turns on for HIGH and CRITICAL tools without touching each rule.
     */
    public Builder elevatedRequiresVerifiedAgent(boolean required) {
      this.elevatedRequiresVerifiedAgent =
          Settings.setOnce(elevatedRequiresVerifiedAgent, required, "elevatedRequiresVerifiedAgent");
      return this;
    }

    /**
     * Lets abstract methods without {@code @AgentTool} pass through to the target unguarded instead
     * of failing {@link AgentGuard#protect}. Default false: every method of a protected interface
     * must be a tool.
     */
    public Builder allowUnannotatedMethods(boolean allow) {
      this.allowUnannotatedMethods = Settings.setOnce(allowUnannotatedMethods, allow, "allowUnannotatedMethods");
      return this;
    }

    /** Capacity of the audit queue; default 65,536 events. */
    public Builder auditQueueCapacity(int capacity) {
      Settings.requireUnset(auditQueueCapacity, "auditQueueCapacity");
      if (capacity < 16) {
        throw new IllegalArgumentException("auditQueueCapacity must be at least 16, got " + capacity);
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
      this.auditOverflow = Settings.setOnce(auditOverflow, overflow, "auditOverflow");
      this.auditOverflowWait = Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("auditOverflow wait must not be negative, got " + wait);
      }
      return this;
    }

    /** How long {@link AgentGuard#close()} waits for failing sinks before giving up; default 10 s. */
    public Builder auditCloseTimeout(Duration timeout) {
      Settings.requireUnset(auditCloseTimeout, "auditCloseTimeout");
      this.auditCloseTimeout = Settings.positive(timeout, "auditCloseTimeout");
      return this;
    }

    /**
     * Signed audit checkpoints every {@code events} events and every {@code interval} (whichever
     * comes first); a clean close ends the trail with a signed {@code audit.closed} record instead.
     * Default: every 1,000 events or 60 s.
     */
    public Builder auditCheckpoints(long events, Duration interval) {
      Settings.requireUnset(checkpointEvents, "auditCheckpoints");
      if (events < 1) {
        throw new IllegalArgumentException("checkpoint events must be positive, got " + events);
      }
      this.checkpointEvents = events;
      this.checkpointInterval = Settings.positive(interval, "checkpoint interval");
      return this;
    }

    /**
     * Lets {@link #build()} succeed while the policy file is missing or invalid, for deployments that
     * deliver the policy later: until a valid version is loaded every call is denied
     * {@code POLICY_UNAVAILABLE}, with the last rejection as the reason. Default: {@code build()}
     * fails with the file's {@link dev.agentguard.PolicyException}.
     *
     * @since 0.2.0
     */
    public Builder allowStartWithoutPolicy() {
      this.allowStartWithoutPolicy = Settings.setOnce(allowStartWithoutPolicy, Boolean.TRUE, "allowStartWithoutPolicy");
      return this;
    }

    /**
     * How long closing a task waits for calls of other threads still in flight on it, so that
     * {@code task.completed} is the task's last event; default 5 s. Past it the task is closed anyway:
     * {@code task.completed} then carries {@code task.callsInFlight} and those calls' outcomes are
     * recorded after it. A tool that closes its own task is not waited for. {@link AgentGuard#close()}
     * waits at most this long in total, for all its open tasks.
     *
     * @since 0.2.0
     */
    public Builder taskCloseTimeout(Duration timeout) {
      Settings.requireUnset(taskCloseTimeout, "taskCloseTimeout");
      this.taskCloseTimeout = Settings.positive(timeout, "taskCloseTimeout");
      return this;
    }

    /**
     * Whether a JVM shutdown hook closes the guard (open tasks, then the audit trail, each within its
     * timeout) when the JVM exits without {@link AgentGuard#close()}; default true. The hook is
     * removed by {@code close()}.
     *
     * @since 0.2.0
     */
    public Builder closeOnShutdown(boolean close) {
      this.closeOnShutdown = Settings.setOnce(closeOnShutdown, close, "closeOnShutdown");
      return this;
    }

    /**
     * Where revocations are kept; default {@link RevocationStore#inMemory(Clock)} at the guard's
     * clock. A fleet-wide store shares revocations between guards.
     *
     * @since 0.2.0
     */
    public Builder revocationStore(RevocationStore store) {
      this.revocationStore = Settings.setOnce(revocationStore, store, "revocationStore");
      return this;
    }

    /**
     * Where per-agent rate windows ({@code maxCallsPerMinute}) are counted; default
     * {@link RateWindows#inMemory()}. A fleet-wide implementation counts across guards.
     *
     * @since 0.2.0
     */
    public Builder rateWindows(RateWindows windows) {
      this.rateWindows = Settings.setOnce(rateWindows, windows, "rateWindows");
      return this;
    }

    /**
     * What runs on an allowed call before it is admitted to the audit trail (for example an approval
     * handler); default {@link ObligationStep#none()}.
     *
     * @since 0.2.0
     */
    public Builder obligations(ObligationStep step) {
      this.obligations = Settings.setOnce(obligations, step, "obligations");
      return this;
    }

    /**
     * The id this guard is known by in a fleet and in exported audit streams; default a random
     * {@code ag-} id per build. Use a stable id (for example the pod name) when instances should be
     * recognisable across restarts.
     *
     * @throws IllegalArgumentException unless it is 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -}
     * @since 0.2.0
     */
    public Builder instanceId(String id) {
      Objects.requireNonNull(id, "instanceId");
      if (!INSTANCE_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("instanceId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -"
            + " (for example a pod name); got one of length " + id.length());
      }
      this.instanceId = Settings.setOnce(this.instanceId, id, "instanceId");
      return this;
    }

    // ---------------------------------------------------------------- call observation (tracing, metrics)

    /**
     * Who watches guarded calls (for example the OpenTelemetry spans and metrics of
     * {@code agentguard-opentelemetry}): told when a call arrives, what was decided and how an allowed
     * call ended, with the content of its audit records only. It cannot change a decision; a throwing
     * observer is logged once and ignored. Default none: calls are not observed, at no cost.
     *
     * @throws NullPointerException if {@code observer} is null
     * @throws IllegalStateException if set twice
     * @since 0.2.0
     */
    public Builder callObserver(CallObserver observer) {
      this.callObserver = Settings.setOnce(callObserver, observer, "callObserver");
      return this;
    }

    // ---------------------------------------------------------------- rollout: approvals, shadow policies (issue 17)
    private ApprovalHandler approvalHandler;
    private Duration approvalTimeout;
    private Path shadowPolicyFile;
    private PolicySet shadowPolicySet;

    /**
     * Who approves calls that a rule permits only with {@code approval: required} (for example
     * {@link Approvals#inMemory()}); default none: such calls are denied {@code APPROVAL_REQUIRED}.
     * The approval runs in the obligations step, before any {@link #obligations(ObligationStep)}
     * step, which still runs on approved calls. See {@code docs/approvals.md}.
     *
     * @since 0.2.0
     */
    public Builder approvals(ApprovalHandler handler) {
      this.approvalHandler = Settings.setOnce(approvalHandler, handler, "approvals");
      return this;
    }

    /**
     * How long a call waits for an approval before it is denied {@code APPROVAL_REQUIRED}; default
     * 2 minutes, never past the task credential's expiry. The calling thread is parked meanwhile.
     *
     * @since 0.2.0
     */
    public Builder approvalTimeout(Duration timeout) {
      Settings.requireUnset(approvalTimeout, "approvalTimeout");
      this.approvalTimeout = Settings.positive(timeout, "approvalTimeout");
      return this;
    }

    /**
     * A candidate policy file evaluated in shadow next to the live policy on every call, watched and
     * hot-reloaded like the live one: it never changes a decision; where it decides differently, the
     * decision record carries its decision, code, rules and version. A missing or invalid file only
     * leaves the shadow set unloaded (logged). Exclusive with {@link #shadowPolicy(PolicySet)}.
     *
     * @since 0.2.0
     */
    public Builder shadowPolicy(Path file) {
      Settings.requireUnset(shadowPolicyFile != null ? shadowPolicyFile : shadowPolicySet, "shadowPolicy");
      this.shadowPolicyFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * A fixed candidate policy set evaluated in shadow; see {@link #shadowPolicy(Path)}.
     *
     * @since 0.2.0
     */
    public Builder shadowPolicy(PolicySet set) {
      Settings.requireUnset(shadowPolicyFile != null ? shadowPolicyFile : shadowPolicySet, "shadowPolicy");
      this.shadowPolicySet = Objects.requireNonNull(set, "set");
      return this;
    }

    // ------------------------------------------------------------ secrets (issue 15)

    /**
     * Configures the broker of a per-task secret: tools that declare {@code name}
     * ({@code @AgentTool(secrets = "orders-db")} or {@link #toolSecrets}) get a lease of it for their
     * task, issued before the body of their first allowed call, read with
     * {@code ToolCall.current().secret(name)} and revoked when the task closes, is revoked or expires.
     * The guard opens the broker when it starts and closes it when it closes. See docs/secrets.md.
     *
     * @param name letters, digits and {@code . _ -}, e.g. {@code orders-db}
     * @throws IllegalArgumentException if the name is malformed
     * @throws IllegalStateException if a broker was already configured under {@code name}
     * @since 0.2.0
     */
    public Builder secretBroker(String name, SecretBroker broker) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(broker, "broker");
      if (!SECRET_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("secret name must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got one of length "
            + name.length());
      }
      Settings.requireUnset(secretBrokers.get(name), "secretBroker " + name);
      secretBrokers.put(name, broker);
      return this;
    }

    /**
     * Declares the secrets a tool guarded without {@code @AgentTool} uses ({@code guard.call}, MCP
     * or Spring AI tools), by tool name. Each must have a {@link #secretBroker}.
     *
     * @throws IllegalStateException if the tool's secrets were already declared
     * @throws IllegalArgumentException at {@link #build()} if a secret has no broker
     * @since 0.2.0
     */
    public Builder toolSecrets(String tool, String... secrets) {
      Objects.requireNonNull(tool, "tool");
      Settings.requireUnset(toolSecrets.get(tool), "toolSecrets " + tool);
      toolSecrets.put(tool, Set.of(Objects.requireNonNull(secrets, "secrets")));
      return this;
    }

    /**
     * How long a call waits for a broker to issue a lease before it is denied with
     * {@code SECRET_UNAVAILABLE}; default 5 s.
     *
     * @since 0.2.0
     */
    public Builder secretIssueTimeout(Duration timeout) {
      Settings.requireUnset(secretIssueTimeout, "secretIssueTimeout");
      this.secretIssueTimeout = Settings.positive(timeout, "secretIssueTimeout");
      return this;
    }

    /**
     * Builds and starts the guard (audit writer thread, policy watcher).
     *
     * @throws IllegalStateException if no policy was configured
     * @throws IllegalArgumentException if a setting is invalid (e.g. a malformed host glob)
     * @throws dev.agentguard.PolicyException if the policy file is missing or invalid (file, line,
     *     column), unless {@link #allowStartWithoutPolicy()} was set
     */
    public AgentGuard build() {
      if (policyFile == null && policySet == null) {
        throw new IllegalStateException("a guard needs a policy: call policy(Path) or policy(PolicySet)");
      }
      Duration max = or(maxTtl, Duration.ofHours(1));
      Duration dflt = defaultTtl != null ? defaultTtl
          : Duration.ofMinutes(5).compareTo(max) > 0 ? max : Duration.ofMinutes(5);
      Clock guardClock = or(clock, Clock.systemUTC());
      GuardConfig config = new GuardConfig(
          policyFile,
          policySet,
          Boolean.TRUE.equals(allowStartWithoutPolicy),
          or(policyPollInterval, Duration.ofSeconds(1)),
          List.copyOf(sinks),
          List.copyOf(interceptors),
          internalHosts == null ? List.of() : internalHosts,
          guardClock,
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
          or(checkpointInterval, AuditConfig.DEFAULT_CHECKPOINT_INTERVAL),
          or(taskCloseTimeout, Duration.ofSeconds(5)),
          !Boolean.FALSE.equals(closeOnShutdown),
          revocationStore != null ? revocationStore : RevocationStore.inMemory(guardClock),
          or(rateWindows, RateWindows.inMemory()),
          or(obligations, ObligationStep.none()),
          instanceId != null ? instanceId : randomInstanceId(),
          callObserver,
          new RolloutSettings(approvalHandler, or(approvalTimeout, RolloutSettings.DEFAULT_APPROVAL_TIMEOUT),
              shadowPolicyFile, shadowPolicySet),
          secretBrokers.isEmpty() && toolSecrets.isEmpty() && secretIssueTimeout == null ? SecretsConfig.NONE
              : new SecretsConfig(secretBrokers, toolSecrets, or(secretIssueTimeout, SecretsConfig.NONE.issueTimeout()),
                  SecretsConfig.NONE.retryBackoff(), SecretsConfig.NONE.sweepInterval()));
      return GuardImpl.start(config);
    }

    private static String randomInstanceId() {
      return String.format("ag-%016x", new java.security.SecureRandom().nextLong());
    }

    private static <V> V or(V value, V fallback) {
      return value != null ? value : fallback;
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
