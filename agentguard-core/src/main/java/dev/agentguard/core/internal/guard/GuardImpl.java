package dev.agentguard.core.internal.guard;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentGuardException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.CredentialClaims;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.PolicyException;
import dev.agentguard.Risk;
import dev.agentguard.TaskCredential;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolInvocationException;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditHealth;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.GuardedMethod;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicyListener;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.PolicySource;
import dev.agentguard.core.internal.Glob;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.CheckpointSigner;
import dev.agentguard.core.internal.credential.CredentialIssuer;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The guard: binds tasks to threads, runs the fixed sequence of checks and records every decision. */
public final class GuardImpl implements AgentGuard {
  private static final Logger LOG = LoggerFactory.getLogger(AgentGuard.class);
  private static final Duration VERIFY_LEEWAY = Duration.ofSeconds(30);
  /** Expired, unclosed tasks are swept once this many are live... */
  static final int SWEEP_LIVE_TASKS_ABOVE = 1024;
  /** ...on every this many task starts. */
  static final int SWEEP_EVERY_STARTS = 256;

  static final Decision NO_TASK = Decision.deny(DenyCode.NO_TASK,
      "no open task of this guard is bound to the calling thread");
  static final Decision GUARD_CLOSED = Decision.deny(DenyCode.AUDIT_UNAVAILABLE, "the guard is closed");
  static final Decision NO_POLICY = Decision.deny(DenyCode.POLICY_UNAVAILABLE, "no valid policy set is loaded");

  private final GuardConfig config;
  private final Clock clock;
  private final AuditPipeline audit;
  private final PolicySource policySource;
  private final Ed25519SigningKey key;
  private final CredentialIssuer issuer;
  private final CredentialVerifier verifier;
  private final RevocationRegistry revocations = new RevocationRegistry();
  private final CallBudgets budgets = new CallBudgets();
  private final Glob[] internalHosts;
  private final ThreadLocal<TaskImpl> bound = new ThreadLocal<>();
  private final Map<String, TaskImpl> liveTasks = new ConcurrentHashMap<>();
  private final AtomicLong issueSeq = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;

  /** The body of a tool call. */
  @FunctionalInterface
  interface Body {
    Object run() throws Throwable;
  }

  private GuardImpl(GuardConfig config) {
    this.config = config;
    this.clock = config.clock();
    if (!(config.signingKey() instanceof Ed25519SigningKey)) {
      throw new IllegalArgumentException("signingKey must come from SigningKey.generate() or SigningKey.fromPem()");
    }
    this.key = (Ed25519SigningKey) config.signingKey();
    this.internalHosts = config.internalHosts().stream().map(Glob::compile).toArray(Glob[]::new);
    this.issuer = new CredentialIssuer(key, config.issuer(), config.audience());
    this.verifier = CredentialVerifier.builder()
        .key(key)
        .issuer(config.issuer())
        .audience(config.audience())
        .clock(clock)
        .leeway(VERIFY_LEEWAY)
        .revocation(claims -> revocations.isRevoked(claims, liveTasks.get(claims.taskId())))
        .build();
    List<AuditSink> sinks = config.sinks().isEmpty() ? List.of(AuditSinks.slf4j()) : config.sinks();
    this.audit = AuditPipeline.start(new AuditConfig(sinks, config.auditQueueCapacity(), config.auditOverflow(),
        config.auditOverflowWait(), config.auditCloseTimeout(), CheckpointSigner.of(key), config.checkpointEvents(),
        config.checkpointInterval(), clock));
    this.policySource = config.policyFile() == null ? null
        : PolicySource.builder(config.policyFile())
            .pollInterval(config.policyPollInterval())
            .listener(new AuditingPolicyListener())
            .build();
    if (config.policySet() != null) {
      audit.record(AuditEvent.builder(AuditEvent.POLICY_LOADED)
          .policyVersion(config.policySet().version())
          .reasons(List.of("loaded from " + config.policySet().source())));
    }
  }

  /** Starts a guard with validated settings. */
  public static AgentGuard start(GuardConfig config) {
    return new GuardImpl(config);
  }

  /** Turns policy loads and rejections into audit events and log lines. */
  private final class AuditingPolicyListener implements PolicyListener {
    @Override
    public void loaded(PolicySet set) {
      LOG.info("policy {} loaded from {}", set.version(), set.source());
      audit.record(AuditEvent.builder(AuditEvent.POLICY_LOADED)
          .policyVersion(set.version())
          .reasons(List.of("loaded from " + set.source())));
    }

    @Override
    public void rejected(String source, PolicyException error) {
      LOG.warn("policy {} rejected, the previous policy stays live: {}", source, error.getMessage());
      audit.record(AuditEvent.builder(AuditEvent.POLICY_REJECTED)
          .error(error.getMessage())
          .reasons(List.of("rejected " + source)));
    }
  }

  // ---------------------------------------------------------------- protect, tasks

  @Override
  public <T> T protect(Class<T> iface, T target) {
    if (iface == null || target == null) {
      throw new NullPointerException("iface and target are required");
    }
    return ToolProxy.create(this, iface, target, config.allowUnannotatedMethods());
  }

  @Override
  public GuardedMethod guardMethod(Object target, Method method) {
    if (target == null || method == null) {
      throw new NullPointerException("target and method are required");
    }
    if (!method.getDeclaringClass().isInstance(target)) {
      throw new IllegalArgumentException(ToolMethods.describe(method) + " is not a method of " + target.getClass().getName());
    }
    AgentTool tool = ToolMethods.annotation(method, target.getClass());
    if (tool == null) {
      throw new IllegalArgumentException(ToolMethods.describe(method) + " is not annotated with @AgentTool");
    }
    ToolDescriptor descriptor = ToolMethods.descriptor(method, target.getClass(), tool);
    MethodHandle handle = ToolProxy.handle(method, target);
    return new GuardedMethod() {
      @Override
      public String tool() {
        return tool.value();
      }

      @Override
      public Risk risk() {
        return tool.risk();
      }

      @Override
      public Object invoke(Object... args) throws Throwable {
        Object[] a = args == null ? new Object[0] : args;
        if (a.length != method.getParameterCount()) {
          throw new IllegalArgumentException(tool.value() + " takes " + method.getParameterCount() + " arguments, got " + a.length);
        }
        return invokeTool(descriptor, a, () -> (Object) handle.invokeExact(a));
      }
    };
  }

  @Override
  public AgentTask startTask(TaskSpec spec) {
    if (spec == null) {
      throw new NullPointerException("spec");
    }
    if (closed) {
      throw new AgentGuardException("the guard is closed: no new tasks");
    }
    Duration ttl = spec.ttl() == null ? config.defaultTtl() : spec.ttl();
    if (ttl.compareTo(config.maxTtl()) > 0) {
      ttl = config.maxTtl();
    }
    for (String scope : spec.scopes()) {
      try {
        Glob.compile(scope);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid scope in task spec: " + e.getMessage(), e);
      }
    }
    Instant issuedAt = Instant.ofEpochMilli(clock.millis());
    String taskId = "task-" + randomId();
    TaskCredential credential = issuer.issue(spec.agent().id(), taskId, spec.scopes(), spec.onBehalfOf(),
        spec.agent().proof().orElse(null), issuedAt, issuedAt.plus(ttl));
    long seq = issueSeq.incrementAndGet();
    if (liveTasks.size() >= SWEEP_LIVE_TASKS_ABOVE && seq % SWEEP_EVERY_STARTS == 0) {
      closeExpiredTasks();
    }
    TaskImpl task = new TaskImpl(this, taskId, spec, credential, seq, bound.get());
    liveTasks.put(taskId, task);
    boolean recorded = audit.record(AuditRecords.forTask(AuditEvent.TASK_STARTED, task)
        .reasons(spec.purpose() == null ? List.of() : List.of(spec.purpose()))
        .attributes(Map.of("task.scopes", spec.scopes(), "task.expiresAt", credential.expiresAt().toString(),
            "agent.verified", spec.agent().verified(), "agent.proof", spec.agent().proof().orElse("none"))));
    if (!recorded) {
      liveTasks.remove(taskId);
      revocations.revokeCredential(credential.id(), keepUntil(task), clock.millis());
      throw new AgentGuardException("the audit trail refused the task.started record; no task was started");
    }
    bound.set(task);
    return task;
  }

  /**
   * Closes tasks whose credential expired but that nobody closed, so forgotten tasks neither pile
   * up in memory nor leave the audit trail without their {@code task.completed}.
   */
  private void closeExpiredTasks() {
    long now = clock.millis();
    for (TaskImpl t : liveTasks.values()) {
      if (t.expiresAtMillis() + VERIFY_LEEWAY.toMillis() < now) {
        closeTask(t);
      }
    }
  }

  private String randomId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public Optional<AgentTask> currentTask() {
    return Optional.ofNullable(openBoundTask());
  }

  private TaskImpl openBoundTask() {
    TaskImpl t = bound.get();
    return t != null && !t.isClosed() ? t : null;
  }

  /** Binds a task to this thread and returns what was bound before. */
  TaskImpl bind(TaskImpl task) {
    TaskImpl before = bound.get();
    bound.set(task);
    return before;
  }

  /** Restores a binding returned by {@link #bind}. */
  void restore(TaskImpl before) {
    if (before == null) {
      bound.remove();
    } else {
      bound.set(before);
    }
  }

  void closeTask(TaskImpl task) {
    if (!task.markClosed()) {
      return;
    }
    if (bound.get() == task) {
      TaskImpl previous = task.previousBinding();
      restore(previous != null && !previous.isClosed() ? previous : null);
    }
    long now = clock.millis();
    revocations.revokeCredential(task.credential().id(), keepUntil(task), now);
    liveTasks.remove(task.id());
    audit.record(AuditRecords.forTask(AuditEvent.CREDENTIAL_REVOKED, task).reasons(List.of("task closed")));
    audit.record(AuditRecords.forTask(AuditEvent.TASK_COMPLETED, task)
        .attributes(Map.of("task.calls", task.calls())));
  }

  boolean isRevoked(TaskImpl task) {
    return revocations.isRevoked(task);
  }

  /** Revocation entries live until the credentials they cover expired, plus the verification leeway. */
  private long keepUntil(TaskImpl task) {
    return task.expiresAtMillis() + VERIFY_LEEWAY.toMillis();
  }

  // ---------------------------------------------------------------- revocation

  @Override
  public void revokeCredential(String credentialId) {
    long now = clock.millis();
    TaskImpl task = liveTasks.values().stream()
        .filter(t -> t.credential().id().equals(credentialId)).findFirst().orElse(null);
    revocations.revokeCredential(credentialId,
        task != null ? keepUntil(task) : now + config.maxTtl().toMillis() + VERIFY_LEEWAY.toMillis(), now);
    recordRevocation(task, credentialId, "revoked by credential id");
  }

  @Override
  public void revokeTask(String taskId) {
    long now = clock.millis();
    TaskImpl task = liveTasks.get(taskId);
    revocations.revokeTask(taskId,
        task != null ? keepUntil(task) : now + config.maxTtl().toMillis() + VERIFY_LEEWAY.toMillis(), now);
    recordRevocation(task, null, "revoked by task id");
  }

  @Override
  public void revokeAgent(String agentId) {
    long now = clock.millis();
    revocations.revokeAgent(agentId, issueSeq.get(), now + config.maxTtl().toMillis() + VERIFY_LEEWAY.toMillis(), now);
    List<TaskImpl> affected = new ArrayList<>();
    for (TaskImpl t : liveTasks.values()) {
      if (t.agent().id().equals(agentId)) {
        affected.add(t);
      }
    }
    if (affected.isEmpty()) {
      audit.record(AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).agent(agentId)
          .reasons(List.of("revoked by agent id")));
    }
    for (TaskImpl t : affected) {
      recordRevocation(t, null, "revoked by agent id");
    }
  }

  private void recordRevocation(TaskImpl task, String credentialId, String reason) {
    AuditEvent.Builder b = task != null ? AuditRecords.forTask(AuditEvent.CREDENTIAL_REVOKED, task)
        : AuditEvent.builder(AuditEvent.CREDENTIAL_REVOKED).credential(credentialId);
    audit.record(b.reasons(List.of(reason)));
  }

  @Override
  public CredentialClaims verifyCredential(String token) {
    return verifier.verify(token);
  }

  @Override
  public String publicJwks() {
    return key.publicJwks();
  }

  @Override
  public Optional<String> policyVersion() {
    PolicySet set = currentPolicy();
    return set == null ? Optional.empty() : Optional.of(set.version());
  }

  @Override
  public AuditHealth auditHealth() {
    return audit.health();
  }

  private PolicySet currentPolicy() {
    return policySource != null ? policySource.current() : config.policySet();
  }

  // ---------------------------------------------------------------- calls

  /** One decided call: the decision, the request it was made on, and what the audit keeps of it. */
  private record Verdict(Decision decision, TaskImpl task, ToolRequest request, String policyVersion) {}

  /** A guarded call of a protected tool method. */
  Object invokeTool(ToolDescriptor tool, Object[] args, Body body) throws Throwable {
    Verdict v;
    try {
      v = decide(tool.request(args), true);
    } catch (RuntimeException e) {
      // an argument that cannot be frozen (unsupported value, a toString that throws) is a doubt: deny
      v = new Verdict(Decision.deny(DenyCode.EVALUATION_ERROR, "arguments of " + tool.tool()
          + " could not be frozen: " + (e instanceof IllegalArgumentException ? e.getMessage()
          : e.getClass().getName())), openBoundTask(),
          ToolRequest.builder(tool.tool()).risk(tool.risk()).build(), null);
    }
    Map<String, Object> attributes = tool.auditAttributes(v.request(), args);
    v = recordDecision(v, attributes);
    if (!v.decision().allowed()) {
      throw new AccessDeniedException(v.request().tool(), v.decision());
    }
    return run(v, attributes, body);
  }

  @Override
  public Decision check(ToolRequest request) {
    Verdict v = decide(Objects.requireNonNull(request, "request"), false);
    return recordDecision(v, v.request().attributes()).decision();
  }

  @Override
  public <V> V call(ToolRequest request, Callable<V> action) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(action, "action");
    Verdict v = recordDecision(decide(request, true), null);
    if (!v.decision().allowed()) {
      throw new AccessDeniedException(v.request().tool(), v.decision());
    }
    try {
      @SuppressWarnings("unchecked")
      V result = (V) run(v, v.request().attributes(), action::call);
      return result;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new ToolInvocationException(request.tool(), e);
    } catch (Throwable t) {
      throw new ToolInvocationException(request.tool(), new Exception(t));
    }
  }

  /** Runs the fixed sequence of checks; never throws for a bad request or a failing step: it denies. */
  private Verdict decide(ToolRequest raw, boolean consume) {
    TaskImpl task = openBoundTask();
    PolicySet set = currentPolicy();
    String version = set == null ? null : set.version();
    if (closed) {
      return new Verdict(GUARD_CLOSED, task, raw, version);
    }
    if (task == null) {
      return new Verdict(NO_TASK, null, raw, version);
    }
    ToolRequest request = raw;
    try {
      request = classifyDestination(raw);
      long now = clock.millis();
      Decision d = credentialCheck(task, request, now);
      if (d != null) {
        return new Verdict(d, task, request, version);
      }
      if (set == null) {
        return new Verdict(NO_POLICY, task, request, version);
      }
      List<PolicyLimit> limits = set.limitsFor(request.tool(), task.agent().id());
      d = budgets.check(limits, task, now, version);
      if (d != null) {
        return new Verdict(d, task, request, version);
      }
      ToolRequest decided = request;
      if (config.interceptors().isEmpty()) {
        d = set.evaluate(task.agent(), request, task, now);
      } else {
        InterceptorChain.Call call = new InterceptorChain.Call(config.interceptors(), task,
            r -> set.evaluate(task.agent(), r, task, now));
        d = InterceptorChain.run(call, request);
        if (call.misuse() != null) {
          d = Decision.deny(DenyCode.EVALUATION_ERROR, List.of(call.misuse()), List.of(), version);
        }
        decided = call.decidedRequest() != null ? classifyDestination(call.decidedRequest()) : request;
      }
      if (d == null) {
        d = Decision.deny(DenyCode.EVALUATION_ERROR, "the policy returned no decision");
      }
      if (d.allowed() && consume) {
        Decision over = budgets.consume(limits, task, now, version);
        if (over != null) {
          d = over;
        } else {
          task.recordAllowed();
        }
      }
      return new Verdict(d, task, decided, version);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("deciding {} failed; denied: {}", raw.tool(), e.toString());
      return new Verdict(Decision.deny(DenyCode.EVALUATION_ERROR, List.of("evaluation failed: " + e),
          List.of(), version), task, request, version);
    }
  }

  /** Credential lifetime, revocation, scope and the elevated risk tier; {@code null} when all pass. */
  private Decision credentialCheck(TaskImpl task, ToolRequest request, long now) {
    if (now >= task.expiresAtMillis()) {
      return Decision.deny(DenyCode.CREDENTIAL_EXPIRED,
          "credential " + task.credential().id() + " expired at " + task.credential().expiresAt());
    }
    if (now < task.issuedAtMillis()) {
      return Decision.deny(DenyCode.CREDENTIAL_EXPIRED,
          "credential " + task.credential().id() + " is not valid before " + task.credential().issuedAt());
    }
    if (revocations.isRevoked(task)) {
      return Decision.deny(DenyCode.CREDENTIAL_REVOKED, "credential " + task.credential().id() + " was revoked");
    }
    if (!task.inScope(request.tool())) {
      return Decision.deny(DenyCode.OUT_OF_SCOPE,
          "tool " + request.tool() + " is not in the credential's scopes " + task.credential().scopes());
    }
    if (request.risk().compareTo(config.elevatedRisk()) >= 0) {
      Duration maxAge = config.elevatedMaxCredentialAge();
      if (maxAge != null && now - task.issuedAtMillis() > maxAge.toMillis()) {
        return Decision.deny(DenyCode.CREDENTIAL_EXPIRED, "risk tier: " + request.risk()
            + " tools need a credential younger than " + maxAge + "; start a new task");
      }
      if (config.elevatedRequiresVerifiedAgent() && !task.agent().verified()) {
        return Decision.deny(DenyCode.AGENT_UNVERIFIED, "risk tier: " + request.risk()
            + " tools need an agent with a verified workload identity (JWT-SVID or X.509-SVID)");
      }
      if (config.elevatedRequiresPrincipal() && task.onBehalfOf() == null) {
        return Decision.deny(DenyCode.FORBIDDEN, "risk tier: " + request.risk()
            + " tools need a task that acts on behalf of a principal");
      }
    }
    return null;
  }

  /** Adds {@code destination.external} when the request names a host: true unless an internal-host glob matches. */
  private ToolRequest classifyDestination(ToolRequest request) {
    Object host = request.attribute("destination.host");
    if (!(host instanceof String)) {
      return request;
    }
    boolean external = !Glob.anyMatches(internalHosts, (String) host);
    if (Boolean.valueOf(external).equals(request.attribute("destination.external"))) {
      return request;
    }
    return request.toBuilder().attribute("destination.external", external).build();
  }

  /**
   * Records the decision. A denied call is recorded asynchronously; an allowed call at or above the
   * write-ahead risk is recorded durably first and denied when that fails; other allowed calls are
   * enqueued and denied when the overflow policy refuses them.
   */
  private Verdict recordDecision(Verdict v, Map<String, Object> auditAttributes) {
    Map<String, Object> attributes = auditAttributes != null ? auditAttributes : v.request().attributes();
    AuditEvent.Builder event = AuditRecords.decision(AuditEvent.TOOL_DECISION, v.task(), v.request(), attributes,
        v.decision(), v.policyVersion());
    if (!v.decision().allowed()) {
      audit.record(event);
      return v;
    }
    boolean taken = v.request().risk().compareTo(config.writeAheadRisk()) >= 0
        ? audit.recordDurably(event, config.writeAheadTimeout())
        : audit.record(event);
    if (taken) {
      return v;
    }
    Decision denied = Decision.deny(DenyCode.AUDIT_UNAVAILABLE,
        List.of("the audit trail did not take the decision record in time"), List.of(), v.policyVersion());
    audit.record(AuditRecords.decision(AuditEvent.TOOL_DECISION, v.task(), v.request(), attributes, denied,
        v.policyVersion()));
    return new Verdict(denied, v.task(), v.request(), v.policyVersion());
  }

  /** Runs an allowed call, then records its outcome and updates the task history. */
  private Object run(Verdict v, Map<String, Object> attributes, Body body) throws Throwable {
    long start = System.nanoTime();
    Throwable failure = null;
    try {
      return body.run();
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      long micros = Math.max(0, (System.nanoTime() - start) / 1_000);
      TaskImpl task = v.task();
      if (failure == null) {
        task.recordSuccess(v.request().tool(), v.request().resourceSensitivity());
      }
      AuditEvent.Builder done = AuditRecords.forTask(AuditEvent.TOOL_COMPLETED, task)
          .tool(v.request().tool())
          .action(v.request().action())
          .risk(v.request().risk().wireName())
          .attributes(attributes)
          .policyVersion(v.policyVersion())
          .outcome(failure == null ? "success" : "failure")
          .durationMicros(micros);
      if (failure != null) {
        done.error(failure.getClass().getName());
      }
      audit.record(done);
    }
  }

  // ---------------------------------------------------------------- close

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TaskImpl t : new ArrayList<>(liveTasks.values())) {
      closeTask(t);
    }
    if (policySource != null) {
      policySource.close();
    }
    audit.close();
  }
}
