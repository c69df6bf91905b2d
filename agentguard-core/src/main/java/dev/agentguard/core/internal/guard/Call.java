package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.Risk;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import java.util.Map;

/**
 * One call on its way through the {@link CallPipeline}: what the steps read (the declared request,
 * the clock reading, the policy set) and what they leave for the next ones (the bound task, the
 * limits, the budgets taken, the request the policy decided on, the decision). Confined to the
 * calling thread; not thread-safe.
 *
 * <p>A call below the write-ahead risk is also its own one audit record (a {@link ToolCallRecord}):
 * the pipeline reserves its queue slot at admission and enqueues the call itself once the body
 * returned; the writer then builds the {@code tool.decision} content from it ({@link #content()}).
 * What the content reads (task, request, audit attributes, decision, policy set, shadow outcome)
 * does not change after admission, and the caller writes nothing on the call once it is enqueued
 * (the enqueue hands it over). One object per call instead of a call and a separate queue entry.
 */
final class Call extends ToolCallRecord {
  private static final Risk[] RISKS = Risk.values();
  private static final byte CONSUMES = 1;
  private static final byte IN_FLIGHT = 2;
  private static final byte APPROVABLE = 4;
  private static final byte STARTS_AT_ARRIVAL = 8;
  /** The call's records are this call itself (one record, slot reserved). */
  private static final byte SELF_RECORDED = 16;

  /** The declared risk's ordinal: a byte beside the flags instead of a reference to the declared request. */
  private final byte declaredRisk;
  /** {@link #CONSUMES}, {@link #IN_FLIGHT}, {@link #APPROVABLE}, {@link #STARTS_AT_ARRIVAL}, {@link #SELF_RECORDED}. */
  private byte flags;
  private final PolicySet policy;
  private ToolRequest request;
  private TaskImpl task;
  private Decision decision;
  /** What only some calls have, made on first use: a plain call allocates none. */
  private Rare rare;

  /**
   * The parts of a call that only some calls have: budgets (a limit covers the tool), audit
   * attributes of their own (an argument is redacted), an observation (a call observer is
   * configured), a shadow outcome (rollout) and a write-ahead record (a privileged tool or a dry
   * run). Apart from the call so that a plain call is one object of 56 bytes.
   */
  private static final class Rare {
    /** The budgets taken, or {@code null}. */
    CallBudgets.Reservation reservation;
    Map<String, Object> auditAttributes;
    WatchedCall watched;
    ShadowEvaluation.Outcome shadow;
    ToolCallRecord.WriteAhead writeAhead;
  }

  private Rare rare() {
    Rare r = rare;
    if (r == null) {
      r = new Rare();
      rare = r;
    }
    return r;
  }

  Call(ToolRequest declared, boolean consume, long now, PolicySet policy) {
    super(now);
    this.declaredRisk = (byte) declared.risk().ordinal();
    this.request = declared;
    this.flags = consume ? CONSUMES : 0;
    this.policy = policy;
  }

  /** A call denied before the pipeline could run (e.g. its arguments could not be frozen); it names no policy version. */
  static Call denied(Decision deny, TaskImpl task, ToolRequest request) {
    Call c = new Call(request, false, 0, null);
    c.task = task;
    c.decision = deny;
    return c;
  }

  /** The risk the tool declared (metadata the interceptors cannot change). */
  Risk declaredRisk() {
    return RISKS[declaredRisk];
  }

  /** The request as decided so far: derived attributes applied, interceptors' attributes once they ran. */
  ToolRequest request() {
    return request;
  }

  void request(ToolRequest r) {
    this.request = r;
  }

  /** Whether the call takes budgets and counts ({@code false} for dry runs). */
  boolean consumes() {
    return (flags & CONSUMES) != 0;
  }

  /** The guard clock when the call arrived, epoch milliseconds; every step reads this one value. */
  long now() {
    return decidedMillis();
  }

  /** The policy set live when the call arrived, or {@code null}. */
  PolicySet policy() {
    return policy;
  }

  String policyVersion() {
    return policy != null ? policy.version() : null;
  }

  /** The bound, open task, once the task step found it; else {@code null}. */
  TaskImpl task() {
    return task;
  }

  /** Binds the task and marks the call as in flight on it (see {@link TaskImpl#enterCall()}). */
  void enteredOn(TaskImpl t) {
    this.task = t;
    this.flags |= IN_FLIGHT;
  }

  /** Ends the in-flight mark, once. */
  void leave() {
    if (takeInFlight()) {
      task.exitCall();
    }
  }

  /**
   * Clears the in-flight mark and says whether it was set; the caller then ends it on the task
   * ({@link TaskImpl#exitCall()}), e.g. after handing the call to the audit trail, when it may no
   * longer write on the call.
   */
  boolean takeInFlight() {
    boolean was = (flags & IN_FLIGHT) != 0;
    flags &= ~IN_FLIGHT;
    return was;
  }

  /** The reservation the limits step fills, made on first use. */
  CallBudgets.Reservation reservation() {
    Rare x = rare();
    CallBudgets.Reservation r = x.reservation;
    if (r == null) {
      r = new CallBudgets.Reservation();
      x.reservation = r;
    }
    return r;
  }

  /** Keeps the budgets the call took, if any. */
  void commitBudgets() {
    if (rare != null && rare.reservation != null) {
      rare.reservation.commit();
    }
  }

  /** Gives back the budgets the call took, if any. Idempotent. */
  void releaseBudgets() {
    if (rare != null && rare.reservation != null) {
      rare.reservation.release();
    }
  }

  /** The decision so far: the policy's allow once reached, or the deny that ended the call. */
  Decision decision() {
    return decision;
  }

  void decision(Decision d) {
    this.decision = d;
  }

  /** The attributes the record keeps: those set by {@link #auditAttributes(Map)}, else (null) the decided request's. */
  Map<String, Object> auditAttributes() {
    Map<String, Object> own = rare == null ? null : rare.auditAttributes;
    return own != null ? own : request.attributes();
  }

  void auditAttributes(Map<String, Object> a) {
    if (a != null || rare != null) {
      rare().auditAttributes = a;
    }
  }

  /** What follows this call for the guard's call observer, or {@code null} (no observer, or not asked yet). */
  WatchedCall watched() {
    return rare == null ? null : rare.watched;
  }

  void watched(WatchedCall w) {
    if (w != null || rare != null) {
      rare().watched = w;
    }
  }

  /**
   * Whether the decision is the policy's own {@code APPROVAL_REQUIRED} (not an interceptor's), so the
   * obligations step may ask for the approval.
   */
  boolean approvable() {
    return (flags & APPROVABLE) != 0;
  }

  void approvable(boolean a) {
    flags = (byte) (a ? flags | APPROVABLE : flags & ~APPROVABLE);
  }

  /**
   * Marks that nothing between the call's arrival and its body could wait (no approval, interceptor,
   * obligation, limit store, secret broker, write-ahead or wait for audit room), so the body's
   * duration may be measured from the arrival's clock reading instead of a new one.
   */
  void startsAtArrival() {
    flags |= STARTS_AT_ARRIVAL;
  }

  /** See {@link #startsAtArrival()}. */
  boolean bodyStartsAtArrival() {
    return (flags & STARTS_AT_ARRIVAL) != 0;
  }

  /** Whether the limits step took budgets for this call (a store may have been asked). */
  boolean tookBudgets() {
    return rare != null && rare.reservation != null;
  }

  /** What shadow evaluation found for the record, or {@code null}. */
  ShadowEvaluation.Outcome shadow() {
    return rare == null ? null : rare.shadow;
  }

  void shadow(ShadowEvaluation.Outcome o) {
    if (o != null || rare != null) {
      rare().shadow = o;
    }
  }

  /**
   * The admitted call's records: this call (one record, slot reserved) or its write-ahead decision;
   * {@code null} before admission or when denied.
   */
  ToolCallRecord trail() {
    if ((flags & SELF_RECORDED) != 0) {
      return this;
    }
    return rare == null ? null : rare.writeAhead;
  }

  /** Sets the call's records: this call itself, a write-ahead record, or {@code null} (given back). */
  void trail(ToolCallRecord t) {
    if (t == this) {
      flags |= SELF_RECORDED;
      if (rare != null) {
        rare.writeAhead = null;
      }
      return;
    }
    flags &= ~SELF_RECORDED;
    if (t != null || rare != null) {
      rare().writeAhead = (ToolCallRecord.WriteAhead) t; // the only other form
    }
  }

  @Override
  protected String traceId() {
    WatchedCall w = watched();
    return w == null ? null : w.traceId();
  }

  @Override
  protected String spanId() {
    WatchedCall w = watched();
    return w == null ? null : w.spanId();
  }

  /** The {@code tool.decision} content of this call as its one record; built on the writer thread. */
  @Override
  protected AuditEvent.Builder content() {
    return ShadowEvaluation.annotate(AuditRecords.decision(AuditEvent.TOOL_DECISION, task, request,
        auditAttributes(), decision, policyVersion()), this);
  }
}
