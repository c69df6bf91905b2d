package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import dev.agentguard.core.spi.ObligationStep;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path: the guard's checks as an ordered list of {@link CallStep}s (for the guard, one
 * {@link StandardSteps}, the one place their order is written). {@link #decide} runs the decision
 * steps; {@link #admit} runs the last step (audit admission) once the audit attributes are known,
 * records the decision and then keeps or gives back the budgets the call reserved.
 *
 * <p>With a call observer configured, each consuming call is watched ({@link CallWatch}): its
 * decision and outcome records carry the observation's trace context and the observation is told
 * about them once recorded; without one the pipeline holds no watch and skips all of it.
 *
 * <p>Never throws for a bad request or a failing step: anything a step throws denies the call with
 * {@code EVALUATION_ERROR}. Only a {@link VirtualMachineError} propagates, after the call's budgets
 * were given back; nothing is allowed then. Thread-safe.
 */
final class CallPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CallPipeline.class);

  private final List<CallStep> decisionSteps;
  private final CallStep obligations;
  private final CallStep admission;
  private final Rollout rollout;
  private final CallClock clock;
  private final Supplier<PolicySet> policy;
  private final DerivedAttributes derived;
  private final AuditPipeline audit;
  private final CallWatch watch;

  CallPipeline(List<CallStep> decisionSteps, CallStep admission, Clock clock, Supplier<PolicySet> policy,
      DerivedAttributes derived, AuditPipeline audit, CallWatch watch) {
    this(decisionSteps, new ObligationsStep(ObligationStep.none()), admission, Rollout.none(clock), clock, policy,
        derived, audit, watch);
  }

  CallPipeline(List<CallStep> decisionSteps, CallStep obligations, CallStep admission, Rollout rollout, Clock clock,
      Supplier<PolicySet> policy, DerivedAttributes derived, AuditPipeline audit, CallWatch watch) {
    this.decisionSteps = List.copyOf(decisionSteps);
    this.obligations = obligations;
    this.admission = admission;
    this.rollout = rollout;
    this.clock = new CallClock(clock);
    this.policy = policy;
    this.derived = derived;
    this.audit = audit;
    this.watch = watch;
  }

  /** Everything the standard steps need from the guard that builds them. */
  record Parts(GuardConfig config, java.util.function.BooleanSupplier closed, Supplier<TaskImpl> boundTask,
      Revocations revocations, Supplier<String> lastPolicyRejection, CallBudgets budgets,
      DerivedAttributes derived, AuditPipeline audit, Supplier<PolicySet> policy,
      dev.agentguard.core.internal.secret.LeaseLedger secrets) {}

  /**
   * The guard's request path, in its fixed order (the order the {@code AgentGuard} javadoc states).
   * The obligations step (approval, then the user's {@code ObligationStep}) runs in {@link #admit},
   * right before audit admission, because it needs the audit attributes.
   */
  static CallPipeline standard(Parts p) {
    GuardConfig c = p.config();
    Rollout rollout = Rollout.start(c.rollout(), c.clock(), c.policyPollInterval(), p.audit(), p.revocations());
    CallStep steps = new StandardSteps(
        new GuardOpenStep(p.closed()),
        new TaskBoundStep(p.boundTask()),
        new CredentialLifetimeStep(),
        new RevocationStep(p.revocations()),
        new ScopeStep(),
        new RiskTierStep(c.elevatedRisk(), c.elevatedMaxCredentialAge(), c.elevatedRequiresVerifiedAgent(),
            c.elevatedRequiresPrincipal()),
        new PolicyLoadedStep(p.lastPolicyRejection()),
        new LimitsStep(p.budgets()),
        new PolicyDecisionStep(c.interceptors(), p.derived(), rollout.shadows()));
    CallStep obligations = new ObligationsStep(rollout, c.obligations());
    if (p.secrets() != null) {
      // secrets (issue 15): after approval and the user's obligations, so no denied call gets a lease
      obligations = then(obligations, new SecretStep(p.secrets()));
    }
    boolean plainPath = c.interceptors().isEmpty() && c.obligations() == ObligationStep.none() && p.secrets() == null;
    CallStep admission = new AuditAdmissionStep(p.audit(), c.writeAheadRisk(), c.writeAheadTimeout(), plainPath);
    return new CallPipeline(List.of(steps), obligations, admission, rollout, c.clock(), p.policy(), p.derived(),
        p.audit(), CallWatch.of(c.callObserver()));
  }

  private static CallStep then(CallStep first, CallStep second) {
    return call -> {
      Decision refused = first.check(call);
      return refused != null ? refused : second.check(call);
    };
  }

  /**
   * The guard clock now, epoch milliseconds, as calls read it ({@link CallClock}): a task issued at
   * this time is never "not valid before" a call that follows it, even within the second after a
   * step of the wall clock, when calls still read the old anchor.
   */
  long millisNow() {
    return clock.millisAt(System.nanoTime());
  }

  /** The approval desk and shadow evaluation of this path (the guard wakes and closes them). */
  Rollout rollout() {
    return rollout;
  }

  /** Runs the decision steps on a request arriving now; see {@link #decide(ToolRequest, boolean, long)}. */
  Call decide(ToolRequest request, boolean consume) {
    return decide(request, consume, System.nanoTime());
  }

  /**
   * Runs the decision steps on a request; the call carries the policy's allow or the first deny.
   *
   * @param arrivedNanos the {@link System#nanoTime()} reading taken when the call arrived: the
   *     call's wall-clock time is derived from it ({@link CallClock}), and a call that waits for
   *     nothing measures its body from it ({@link Call#bodyStartsAtArrival()})
   */
  Call decide(ToolRequest request, boolean consume, long arrivedNanos) {
    Call call = new Call(request, consume, clock.millisAt(arrivedNanos), policy.get());
    if (watch != null) {
      call.watched(consume ? watch.start(request.tool()) : WatchedCall.NONE); // dry runs are not observed
    }
    try {
      call.request(derived.classify(request));
      for (int i = 0; i < decisionSteps.size(); i++) {
        Decision d = decisionSteps.get(i).check(call);
        if (d != null) {
          call.decision(d);
          return call;
        }
      }
      if (call.decision() == null) {
        call.decision(Decision.deny(DenyCode.EVALUATION_ERROR, "the policy returned no decision"));
      }
    } catch (VirtualMachineError e) {
      abandon(call);
      throw e;
    } catch (Throwable t) {
      call.decision(failed(request, t, call.policyVersion()));
    }
    return call;
  }

  /**
   * The obligations step (for an allowed call, or one the policy left approvable), then the last
   * step, audit admission; then records a deny, and keeps (admitted) or gives back (denied) the
   * call's budgets. A consuming allowed call stays in flight on its task
   * until {@link #completed}; every other call leaves here.
   */
  Call admit(Call call, Map<String, Object> auditAttributes) {
    call.auditAttributes(auditAttributes);
    if (watch != null && call.watched() == null) { // a call denied before it reached decide
      call.watched(watch.start(call.request().tool()));
    }
    if (call.decision().allowed() || call.approvable()) {
      Decision refused;
      try {
        refused = obligations.check(call);
        if (refused == null) {
          refused = admission.check(call);
        }
      } catch (VirtualMachineError e) {
        releaseTrail(call);
        abandon(call);
        throw e;
      } catch (Throwable t) {
        releaseTrail(call);
        refused = failed(call.request(), t, call.policyVersion());
      }
      if (refused == null) {
        try {
          if (call.consumes()) {
            call.commitBudgets();
            call.task().recordAllowed();
          } else {
            call.leave();
          }
        } catch (Throwable t) {
          releaseTrail(call); // the call will not run: give back its reserved audit slot
          throw t;
        }
        decided(call);
        return call;
      }
      call.decision(refused);
    }
    try {
      audit.record(WatchedCall.decisionRecord(call));
    } finally {
      abandon(call);
    }
    decided(call);
    return call;
  }

  /**
   * Records the outcome of an admitted call that ran (its one record into its reserved slot, or the
   * short {@code tool.completed} linked to a write-ahead decision), and ends its in-flight mark.
   *
   * @param failure the exception type name when the body threw, else {@code null}
   * @param micros the body's duration in microseconds
   */
  void completed(Call call, String failure, long micros) {
    WatchedCall w = call.watched();
    ToolCallRecord trail = call.trail();
    trail.outcome(failure, micros);
    AuditEvent observed = w == null ? null : w.outcome(call, trail);
    TaskImpl task = call.task();
    boolean inFlight = call.takeInFlight(); // before the hand-over: the call may be the record itself
    try {
      audit.recordOutcome(trail);
    } finally {
      if (inFlight) {
        task.exitCall();
      }
    }
    if (w != null) {
      w.completed(observed);
    }
  }

  /** Gives back the audit slot reserved for a call that will not run. */
  private void releaseTrail(Call call) {
    if (call.trail() != null) {
      audit.releaseCall(call.trail());
      call.trail(null);
    }
  }

  private static void decided(Call call) {
    if (call.watched() != null) {
      call.watched().decided();
    }
  }

  private static void abandon(Call call) {
    call.releaseBudgets();
    call.leave();
  }

  private static Decision failed(ToolRequest request, Throwable t, String version) {
    LOG.warn("deciding {} failed; denied: {}", request.tool(), t.toString());
    return Decision.deny(DenyCode.EVALUATION_ERROR, List.of("evaluation failed: " + t), List.of(), version);
  }
}
