package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.audit.ToolCallRecord;
import java.util.Map;

/**
 * One call on its way through the {@link CallPipeline}: what the steps read (the declared request,
 * the clock reading, the policy set) and what they leave for the next ones (the bound task, the
 * limits, the budgets taken, the request the policy decided on, the decision). Confined to the
 * calling thread; not thread-safe.
 */
final class Call {
  private final ToolRequest declared;
  private final boolean consume;
  private final long now;
  private final PolicySet policy;
  private ToolRequest request;
  private TaskImpl task;
  private boolean inFlight;
  /** The budgets taken, or {@code null}: a call no limit covers allocates none. */
  private CallBudgets.Reservation reservation;
  private Decision decision;
  private Map<String, Object> auditAttributes;
  private WatchedCall watched;
  // rollout: the policy asked for approval; shadow results for the record
  private boolean approvable;
  private ShadowEvaluation.Outcome shadow;
  private ToolCallRecord trail;

  Call(ToolRequest declared, boolean consume, long now, PolicySet policy) {
    this.declared = declared;
    this.request = declared;
    this.consume = consume;
    this.now = now;
    this.policy = policy;
  }

  /** A call denied before the pipeline could run (e.g. its arguments could not be frozen); it names no policy version. */
  static Call denied(Decision deny, TaskImpl task, ToolRequest request) {
    Call c = new Call(request, false, 0, null);
    c.task = task;
    c.decision = deny;
    return c;
  }

  /** The request as declared by the tool (metadata the interceptors cannot change). */
  ToolRequest declared() {
    return declared;
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
    return consume;
  }

  /** The guard clock when the call arrived, epoch milliseconds; every step reads this one value. */
  long now() {
    return now;
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
    this.inFlight = true;
  }

  /** Ends the in-flight mark, once. */
  void leave() {
    if (inFlight) {
      inFlight = false;
      task.exitCall();
    }
  }

  /** The reservation the limits step fills, made on first use. */
  CallBudgets.Reservation reservation() {
    CallBudgets.Reservation r = reservation;
    if (r == null) {
      r = new CallBudgets.Reservation();
      reservation = r;
    }
    return r;
  }

  /** Keeps the budgets the call took, if any. */
  void commitBudgets() {
    if (reservation != null) {
      reservation.commit();
    }
  }

  /** Gives back the budgets the call took, if any. Idempotent. */
  void releaseBudgets() {
    if (reservation != null) {
      reservation.release();
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
    return auditAttributes != null ? auditAttributes : request.attributes();
  }

  void auditAttributes(Map<String, Object> a) {
    this.auditAttributes = a;
  }

  /** What follows this call for the guard's call observer, or {@code null} (no observer, or not asked yet). */
  WatchedCall watched() {
    return watched;
  }

  void watched(WatchedCall w) {
    this.watched = w;
  }

  /**
   * Whether the decision is the policy's own {@code APPROVAL_REQUIRED} (not an interceptor's), so the
   * obligations step may ask for the approval.
   */
  boolean approvable() {
    return approvable;
  }

  void approvable(boolean a) {
    this.approvable = a;
  }

  /** What shadow evaluation found for the record, or {@code null}. */
  ShadowEvaluation.Outcome shadow() {
    return shadow;
  }

  void shadow(ShadowEvaluation.Outcome o) {
    this.shadow = o;
  }

  /** The admitted call's records (decision taken by the trail), or {@code null} before admission or when denied. */
  ToolCallRecord trail() {
    return trail;
  }

  void trail(ToolCallRecord t) {
    this.trail = t;
  }
}
