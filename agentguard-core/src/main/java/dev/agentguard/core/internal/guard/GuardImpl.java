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
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.PolicySource;
import dev.agentguard.core.internal.Glob;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.CheckpointSigner;
import dev.agentguard.core.internal.credential.CredentialIssuer;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import dev.agentguard.core.internal.secret.LeaseAudit;
import dev.agentguard.core.internal.secret.LeaseLedger;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard: wires the request path ({@link CallPipeline}) and the {@link RevocationDesk}, keeps
 * the task registry and the thread binding, and runs allowed tool bodies. The checks themselves
 * live in the steps.
 *
 * <p>Over 400 lines for now: besides the wiring it still holds the task registry (start, bind,
 * close, sweep) and the three entry methods {@code protect},
 * {@code guardMethod} and {@code invokeTool}, kept here verbatim this wave so parallel edits of
 * them merge; the task registry is the next class to split out.
 */
public final class GuardImpl implements AgentGuard {
  private static final Logger LOG = LoggerFactory.getLogger(AgentGuard.class);
  private static final Duration VERIFY_LEEWAY = Duration.ofSeconds(30);
  /** Expired, unclosed tasks are swept once this many are live... */
  static final int SWEEP_LIVE_TASKS_ABOVE = 1024;
  /** ...on every this many task starts. */
  static final int SWEEP_EVERY_STARTS = 256;

  private final GuardConfig config;
  private final Clock clock;
  private final AuditPipeline audit;
  private final PolicySource policySource;
  private final Ed25519SigningKey key;
  private final CredentialIssuer issuer;
  private final CredentialVerifier verifier;
  private final Revocations revocations;
  private final RevocationDesk revocationDesk;
  private final CallPipeline pipeline;
  private final PolicyEvents policyListener;
  /** Per-task secret leases (issue 15); {@code null} when no broker is configured. */
  private final LeaseLedger secrets;
  private final Thread shutdownHook;
  private final ThreadLocal<TaskImpl> bound = new ThreadLocal<>();
  private final Map<String, TaskImpl> liveTasks = new ConcurrentHashMap<>();
  private final AtomicLong issueSeq = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The body of a protected tool method, run on the arguments the call was decided on. */
  @FunctionalInterface
  interface ToolBody {
    Object run(Object[] decidedArgs) throws Throwable;
  }

  private GuardImpl(GuardConfig config) {
    this.config = config;
    this.clock = config.clock();
    this.key = Ed25519SigningKey.of(config.signingKey());
    Glob[] internalHosts = config.internalHosts().stream().map(Glob::compile).toArray(Glob[]::new);
    this.revocations = new Revocations(config.revocationStore());
    this.issuer = new CredentialIssuer(key, config.issuer(), config.audience());
    List<AuditSink> sinks = config.sinks().isEmpty() ? List.of(AuditSinks.slf4j()) : config.sinks();
    this.audit = AuditPipeline.start(new AuditConfig(sinks, config.auditQueueCapacity(), config.auditOverflow(),
        config.auditOverflowWait(), config.auditCloseTimeout(), CheckpointSigner.of(key), config.checkpointEvents(),
        config.checkpointInterval(), clock).withInstance(config.instanceId()));
    this.revocationDesk = new RevocationDesk(revocations, audit, clock, VERIFY_LEEWAY, config.maxTtl(), liveTasks);
    this.verifier = CredentialVerifier.builder()
        .key(config.signingKey())
        .issuer(config.issuer())
        .audience(config.audience())
        .clock(clock)
        .leeway(VERIFY_LEEWAY)
        .revocation(revocationDesk::isRevoked)
        .build();
    this.policyListener = new PolicyEvents(audit);
    this.policySource = config.policyFile() == null ? null
        : PolicySource.builder(config.policyFile())
            .pollInterval(config.policyPollInterval())
            .listener(policyListener)
            .build();
    if (config.policySet() != null) {
      audit.record(AuditEvent.builder(AuditEvent.POLICY_LOADED)
          .policyVersion(config.policySet().version())
          .reasons(List.of("loaded from " + config.policySet().source())));
    }
    if (currentPolicy() == null && !config.allowStartWithoutPolicy()) {
      policySource.close();
      audit.close();
      PolicyException rejection = policyListener.lastRejection();
      throw rejection != null ? rejection : new PolicyException(config.policyFile().toString(), 0, 0, null,
          "no valid policy set was loaded");
    }
    this.secrets = startSecrets(config);
    this.pipeline = CallPipeline.standard(new CallPipeline.Parts(config, closed::get, this::openBoundTask,
        revocations, policyListener::lastRejectionText, new CallBudgets(config.rateWindows()),
        new DerivedAttributes(internalHosts), audit, this::currentPolicy, secrets));
    this.shutdownHook = config.closeOnShutdown() ? new Thread(this::close, "agentguard-shutdown") : null;
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Opens the secret brokers (issue 15); a broker that cannot open fails the start, loudly. */
  private LeaseLedger startSecrets(GuardConfig config) {
    try {
      return LeaseLedger.start(config.secrets(), config.instanceId(), clock, new LeaseAudit() {
        @Override
        public AuditEvent.Builder forTask(String type, AgentTask task) {
          return AuditRecords.forTask(type, (TaskImpl) task);
        }

        @Override
        public void record(AuditEvent.Builder event) {
          audit.record(event);
        }
      });
    } catch (RuntimeException e) {
      if (policySource != null) {
        policySource.close();
      }
      audit.close();
      throw e;
    }
  }

  /** Records the secrets an {@code @AgentTool} declares, or fails when the guard has no broker for them. */
  void declareSecrets(AgentTool tool) {
    if (secrets != null) {
      secrets.declare(tool.value(), tool.secrets());
    } else {
      LeaseLedger.requireNone(tool.value(), tool.secrets());
    }
  }

  /** Starts a guard; the settings were checked when the config was constructed. */
  public static AgentGuard start(GuardConfig config) {
    return new GuardImpl(config);
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
    Method bridged = method.isBridge() ? ToolMethods.bridged(method) : null;
    Method declared = bridged != null ? bridged : method;
    List<Method> declarations = ToolMethods.declarations(declared.getDeclaringClass(), declared, target.getClass());
    AgentTool tool = ToolMethods.annotation(declarations);
    if (tool == null) {
      throw new IllegalArgumentException(ToolMethods.describe(method) + " is not annotated with @AgentTool");
    }
    Method impl = ToolMethods.implementation(declared, target.getClass());
    Method runs = impl != null && !Modifier.isAbstract(impl.getModifiers()) ? impl : declared;
    ToolDescriptor descriptor = ToolMethods.descriptor(declarations, runs, tool);
    declareSecrets(tool); // secrets (issue 15)
    MethodHandle handle = ToolProxy.handle(runs, target);
    int parameterCount = runs.getParameterCount();
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
        if (a.length != parameterCount) {
          throw new IllegalArgumentException(tool.value() + " takes " + parameterCount + " arguments, got " + a.length);
        }
        return invokeTool(descriptor, a, decided -> (Object) handle.invokeExact(decided));
      }
    };
  }

  @Override
  public AgentTask startTask(TaskSpec spec) {
    return issueTask(spec, true);
  }

  /**
   * Issues a task (credential, {@code task.started}, registry) and, when {@code bindToThread}, binds
   * it to the calling thread (its close then restores what was bound there before).
   */
  private TaskImpl issueTask(TaskSpec spec, boolean bindToThread) {
    if (spec == null) {
      throw new NullPointerException("spec");
    }
    if (closed.get()) {
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
    long agentRevocations = revocations.agentCountAtStart(spec.agent().id()); // fleet: read before issuing
    Instant issuedAt = Instant.ofEpochMilli(pipeline.millisNow()); // the calls' own timeline
    String taskId = "task-" + randomId();
    TaskCredential credential = issuer.issue(spec.agent().id(), taskId, spec.scopes(), spec.onBehalfOf(),
        spec.agent().proof().orElse(null), issuedAt, issuedAt.plus(ttl));
    long seq = issueSeq.incrementAndGet();
    if (liveTasks.size() >= SWEEP_LIVE_TASKS_ABOVE && seq % SWEEP_EVERY_STARTS == 0) {
      closeExpiredTasks();
    }
    TaskImpl task = new TaskImpl(this, taskId, spec, credential, seq, bindToThread ? bound.get() : null);
    task.agentRevocationCountAtStart = agentRevocations;
    liveTasks.put(taskId, task);
    boolean recorded = audit.record(AuditRecords.forTask(AuditEvent.TASK_STARTED, task)
        .reasons(spec.purpose() == null ? List.of() : List.of(spec.purpose()))
        .attributes(Map.of("task.scopes", spec.scopes(), "task.expiresAt", credential.expiresAt().toString(),
            "agent.verified", spec.agent().verified(), "agent.proof", spec.agent().proof().orElse("none"))));
    if (!recorded) {
      liveTasks.remove(taskId);
      revocationDesk.revokeClosed(task);
      throw new AgentGuardException("the audit trail refused the task.started record; no task was started");
    }
    if (bindToThread) {
      bound.set(task);
    }
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
        closeTask(t, System.nanoTime()); // a sweep never waits for calls still running on an expired task
      }
    }
    if (secrets != null) {
      secrets.sweep(); // leases of tasks expired (not yet past the leeway) or revoked elsewhere
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
    closeTask(task, System.nanoTime() + config.taskCloseTimeout().toNanos());
  }

  /**
   * Closes a task: no call starts on it any more, calls of other threads still in flight are waited
   * for until {@code deadlineNanos}, then its credential is revoked and {@code task.completed}
   * recorded (with {@code task.callsInFlight} when calls were still running past the deadline; their
   * {@code tool.completed} records then follow it).
   */
  private void closeTask(TaskImpl task, long deadlineNanos) {
    if (!task.markClosed()) {
      return;
    }
    pipeline.rollout().wake(); // a call of this task waiting for an approval is withdrawn
    if (bound.get() == task) {
      TaskImpl previous = task.previousBinding();
      restore(previous != null && !previous.isClosed() ? previous : null);
    }
    long stillRunning = task.awaitCallsOfOtherThreads(deadlineNanos);
    if (stillRunning > 0) {
      LOG.warn("task {} closed with {} call(s) still running after {}; their outcomes are recorded after task.completed",
          task.id(), stillRunning, config.taskCloseTimeout());
    }
    if (secrets != null) {
      secrets.end(task, "task closed");
    }
    revocationDesk.revokeClosed(task);
    liveTasks.remove(task.id());
    audit.record(AuditRecords.forTask(AuditEvent.CREDENTIAL_REVOKED, task).reasons(List.of("task closed")));
    audit.record(AuditRecords.forTask(AuditEvent.TASK_COMPLETED, task)
        .attributes(stillRunning == 0 ? Map.of("task.calls", task.calls())
            : Map.of("task.calls", task.calls(), "task.callsInFlight", stillRunning)));
  }

  boolean isRevoked(TaskImpl task) {
    return revocationDesk.isRevoked(task);
  }

  // ---------------------------------------------------------------- revocation

  @Override
  public void revokeCredential(String credentialId) {
    revocationDesk.revokeCredential(credentialId);
    pipeline.rollout().wake(); // callers waiting for an approval re-check their task now
    if (secrets != null) {
      secrets.endWhere(t -> t.credential().id().equals(credentialId), "credential revoked");
    }
  }

  @Override
  public void revokeTask(String taskId) {
    revocationDesk.revokeTask(taskId);
    pipeline.rollout().wake();
    if (secrets != null) {
      secrets.endWhere(t -> t.id().equals(taskId), "task revoked");
    }
  }

  @Override
  public void revokeAgent(String agentId) {
    revocationDesk.revokeAgent(agentId);
    pipeline.rollout().wake();
    if (secrets != null) {
      secrets.endWhere(t -> t.agent().id().equals(agentId), "agent revoked");
    }
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
  public String instanceId() {
    return config.instanceId();
  }

  @Override
  public AuditHealth auditHealth() {
    return audit.health();
  }

  private PolicySet currentPolicy() {
    return policySource != null ? policySource.current() : config.policySet();
  }

  // ---------------------------------------------------------------- calls

  /**
   * A guarded call of a protected tool method. The arguments are copied and frozen first (inside the
   * fail-closed boundary: a failure is a recorded {@code EVALUATION_ERROR} deny that consumes no
   * budget), then decided, recorded and, when allowed, the body runs on the copies that were decided.
   */
  Object invokeTool(ToolDescriptor tool, Object[] live, ToolBody body) throws Throwable {
    Object[] args;
    ToolRequest request;
    Map<String, String> digests;
    try {
      args = tool.copyArguments(live);
      request = tool.request(args);
      digests = tool.digests(args);
    } catch (RuntimeException | StackOverflowError e) {
      // an argument that cannot be copied or frozen is a doubt: deny; the reason names types, never values
      Call denied = Call.denied(Decision.deny(DenyCode.EVALUATION_ERROR, "arguments of " + tool.tool()
          + " could not be frozen: " + (e instanceof IllegalArgumentException ? e.getMessage()
          : e.getClass().getName())), openBoundTask(), tool.bareRequest());
      recordDecision(denied, null);
      throw new AccessDeniedException(tool.tool(), denied.decision());
    }
    long arrived = System.nanoTime();
    Call v = pipeline.decide(request, true, arrived);
    v = recordDecision(v, tool.auditAttributes(v.request(), digests));
    if (!v.decision().allowed()) {
      throw new AccessDeniedException(v.request().tool(), v.decision());
    }
    return run(v, body, args, arrived);
  }

  @Override
  public Decision check(ToolRequest request) {
    Call v = decide(Objects.requireNonNull(request, "request"), false);
    return recordDecision(v, null).decision();
  }

  @Override
  public <V> V call(ToolRequest request, Callable<V> action) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(action, "action");
    long arrived = System.nanoTime();
    Call v = recordDecision(pipeline.decide(request, true, arrived), null);
    if (!v.decision().allowed()) {
      throw new AccessDeniedException(v.request().tool(), v.decision());
    }
    try {
      @SuppressWarnings("unchecked")
      V result = (V) run(v, noArgs -> action.call(), null, arrived);
      return result;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new ToolInvocationException(request.tool(), e);
    } catch (Throwable t) {
      throw new ToolInvocationException(request.tool(), new Exception(t));
    }
  }

  /** Runs the decision steps of the request path; never throws for a bad request or a failing step: it denies. */
  private Call decide(ToolRequest raw, boolean consume) {
    return pipeline.decide(raw, consume);
  }

  /**
   * Admits the decision to the audit trail (the last step) and records it: a deny asynchronously, an
   * allow at or above the write-ahead risk durably first (denied when that fails), another allow by
   * reserving the queue slot of its one record (denied when the overflow policy refuses the slot).
   */
  private Call recordDecision(Call v, Map<String, Object> auditAttributes) {
    return pipeline.admit(v, auditAttributes); // null: the decided request's own attributes (Call#auditAttributes)
  }

  /**
   * Runs an admitted call on {@code args}, then records its outcome (the call's one record, or the
   * short {@code tool.completed} after a write-ahead decision) and updates the task history. The
   * body's duration is measured from {@code arrivedNanos} when nothing on the way could wait
   * ({@link Call#bodyStartsAtArrival()}: it then includes the guard's own sub-microsecond checks),
   * else from a clock reading taken now.
   */
  private Object run(Call v, ToolBody body, Object[] args, long arrivedNanos) throws Throwable {
    long start = v.bodyStartsAtArrival() ? arrivedNanos : System.nanoTime();
    String failure = null;
    try {
      return secrets == null ? body.run(args) : secrets.runBound(v.task(), v.request().tool(), () -> body.run(args));
    } catch (Throwable t) {
      failure = t.getClass().getName();
      throw t;
    } finally {
      long micros = Math.max(0, (System.nanoTime() - start) / 1_000);
      try {
        if (failure == null) {
          ToolRequest request = v.request();
          v.task().recordSuccess(request.tool(), request.resourceSensitivity());
        }
      } finally {
        pipeline.completed(v, failure, micros); // always: it redeems the call's reserved audit slot
      }
    }
  }

  // ---------------------------------------------------------------- close

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs this close anyway
      }
    }
    long deadline = System.nanoTime() + config.taskCloseTimeout().toNanos();
    for (TaskImpl t : new ArrayList<>(liveTasks.values())) {
      closeTask(t, deadline);
    }
    if (secrets != null) {
      secrets.close();
    }
    if (policySource != null) {
      policySource.close();
    }
    pipeline.rollout().close();
    audit.close();
  }

  // ---------------------------------------------------------------- unbound tasks (issue 19, leftovers)

  @Override
  public AgentTask openTask(TaskSpec spec) {
    return issueTask(spec, false);
  }
}
