package dev.agentguard.core.internal.approval;

import dev.agentguard.ApprovalAnswer;
import dev.agentguard.ApprovalHandler;
import dev.agentguard.ApprovalRequest;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a policy's {@code APPROVAL_REQUIRED} into an allow or a deny: takes a call an earlier
 * approval still covers, else asks the {@link ApprovalHandler} and parks the calling thread until
 * the answer, the deadline, or the task's withdrawal (close or revocation), whichever comes first.
 *
 * <p>Fail closed: no handler, a handler that throws, returns or completes with {@code null},
 * completes exceptionally, is too busy to be asked, or does not answer by the deadline, and an
 * interrupted caller, all give {@code APPROVAL_REQUIRED}; a refusal gives {@code APPROVAL_DENIED}; a
 * withdrawal gives {@code CREDENTIAL_REVOKED}; an {@code approval.requested} or
 * {@code approval.granted} record the audit trail does not take gives {@code AUDIT_UNAVAILABLE}.
 * An answer that completes after the deadline changes nothing (the deadline is checked again once
 * the answer is in), and the handler's stage is then cancelled so a queue can withdraw the request.
 *
 * <p>The deadline is the earlier of the guard clock's now plus the timeout and the credential's
 * expiry; the wait is also bounded by the timeout on the monotonic clock, so a wall clock stepping
 * back cannot stretch it. The caller parks in slices of at most {@link #SLICE} (re-checking the
 * clock and the task each time, which also notices revocations from a fleet store) and is woken at
 * once by an answer or by {@link #wake()}. Parking does not pin a virtual thread; a platform thread
 * is held for the whole wait. The handler is called on a small pool of daemon threads
 * ({@value #ASKING_THREADS} threads, {@value #ASKING_QUEUE} queued requests), never on the caller's
 * thread, so a handler that blocks cannot hold a caller past its deadline.
 *
 * <p>Thread-safe: one desk serves every call of a guard.
 */
public final class ApprovalDesk implements AutoCloseable {
  /** The longest a waiting caller parks before it re-checks the clock and its task. */
  public static final Duration SLICE = Duration.ofMillis(50);
  /** Threads that call the handler. */
  public static final int ASKING_THREADS = 8;
  /** Requests queued for those threads before new ones are refused ({@code APPROVAL_REQUIRED}). */
  public static final int ASKING_QUEUE = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ApprovalDesk.class);

  private final ApprovalHandler handler;
  private final Duration timeout;
  private final Clock clock;
  private final AuditPipeline audit;
  private final ThreadPoolExecutor asking;
  private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
  private final ApprovalGrants grants = new ApprovalGrants();
  private final SecureRandom random = new SecureRandom();

  /**
   * A desk.
   *
   * @param handler the handler, or {@code null} for none (every approval is then missing)
   * @param timeout how long a caller waits for an answer
   * @param clock the guard clock
   * @param audit where the {@code approval.*} records go
   */
  public ApprovalDesk(ApprovalHandler handler, Duration timeout, Clock clock, AuditPipeline audit) {
    this.handler = handler;
    this.timeout = timeout;
    this.clock = clock;
    this.audit = audit;
    if (handler == null) {
      this.asking = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      this.asking = new ThreadPoolExecutor(ASKING_THREADS, ASKING_THREADS, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(ASKING_QUEUE), r -> {
            Thread t = new Thread(r, "agentguard-approval-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      this.asking.allowCoreThreadTimeOut(true);
    }
  }

  /**
   * Decides a call the policy permits only once approved; may park the calling thread up to the
   * timeout. Never throws for a handler's misbehaviour.
   *
   * @param p the call
   * @return the allow (naming the approver) or the deny
   */
  public Decision decide(Pending p) {
    Decision policy = p.policyDecision();
    long now = clock.millis();
    ApprovalGrants.Use use = grants.take(p, now);
    if (use != null) {
      return ApprovalReasons.approved(policy, use.approver(), use.approvalId(),
          "covers call " + use.number() + " of " + use.total());
    }
    if (handler == null) {
      return ApprovalReasons.required(policy, "approval required by " + String.join(", ", policy.policies())
          + " but no approval handler is configured");
    }
    long deadline = Math.min(plus(now, timeout.toMillis()), p.credentialExpiresAtMillis());
    String id = "apr-" + randomId();
    ApprovalRequest request = new ApprovalRequest(id, p.agent(), p.onBehalfOf(), p.task(), p.purpose(), p.tool(),
        p.action(), p.risk(), p.attributes(), policy.policies(), Instant.ofEpochMilli(deadline));
    Map<String, Object> asked = new LinkedHashMap<>(p.attributes());
    asked.put("approval.id", id);
    asked.put("approval.deadline", request.deadline().toString());
    if (!audit.record(event(AuditEvent.APPROVAL_REQUESTED, p).attributes(asked)
        .reasons(List.of("approval " + id + " requested by " + String.join(", ", policy.policies()))))) {
      return Decision.deny(DenyCode.AUDIT_UNAVAILABLE, List.of("the audit trail did not take approval.requested"),
          policy.policies(), policy.policyVersion());
    }
    return await(p, request, deadline);
  }

  private Decision await(Pending p, ApprovalRequest request, long deadline) {
    Decision policy = p.policyDecision();
    String id = request.id();
    Thread self = Thread.currentThread();
    CompletableFuture<ApprovalAnswer> answer = new CompletableFuture<>();
    AtomicReference<CompletionStage<ApprovalAnswer>> stage = new AtomicReference<>();
    CountDownLatch asked = new CountDownLatch(1);
    answer.whenComplete((a, t) -> LockSupport.unpark(self));
    try {
      asking.execute(() -> {
        try {
          ask(request, answer, stage);
        } finally {
          asked.countDown();
        }
      });
    } catch (RejectedExecutionException e) {
      return expired(p, id, "the approval handler is too busy to be asked", ApprovalReasons.NOT_IN_TIME);
    }
    long nanoDeadline = System.nanoTime() + timeout.toNanos();
    String why = null;
    boolean interrupted = false;
    waiting.add(self);
    try {
      while (!answer.isDone()) {
        if (p.withdrawn().getAsBoolean()) {
          why = "withdrawn";
          break;
        }
        long left = nanoDeadline - System.nanoTime();
        if (clock.millis() >= deadline || left <= 0) {
          why = "no answer by the deadline";
          break;
        }
        if (Thread.interrupted()) {
          interrupted = true;
          why = "the waiting thread was interrupted";
          break;
        }
        LockSupport.parkNanos(this, Math.min(left, SLICE.toNanos()));
      }
    } finally {
      waiting.remove(self);
      if (interrupted) {
        self.interrupt();
      }
    }
    if (why == null && p.withdrawn().getAsBoolean()) {
      why = "withdrawn";
    }
    if (why == null && clock.millis() >= deadline) {
      why = "the answer arrived after the deadline";
    }
    if (why != null) {
      withdraw(answer, stage, asked);
      if (why.equals("withdrawn")) {
        record(AuditEvent.APPROVAL_EXPIRED, p, id, null, 0, "withdrawn: the task was closed or its credential revoked");
        return Decision.deny(DenyCode.CREDENTIAL_REVOKED, List.of("credential " + p.credential()
            + " was revoked or its task closed while approval " + id + " was pending"), policy.policies(),
            policy.policyVersion());
      }
      return expired(p, id, why, ApprovalReasons.NOT_IN_TIME);
    }
    ApprovalAnswer a;
    try {
      a = answer.join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return expired(p, id, "the approval handler failed (" + cause.getClass().getName() + ")",
          "approval could not be obtained: the approval handler failed");
    }
    if (a == null) {
      return expired(p, id, "the approval handler answered nothing", "approval could not be obtained: no answer");
    }
    String approver = ApprovalReasons.approver(a.approver());
    if (!a.approved()) {
      record(AuditEvent.APPROVAL_DENIED, p, id, approver, 0, "refused by " + approver);
      return ApprovalReasons.refused(policy, approver, id);
    }
    if (!record(AuditEvent.APPROVAL_GRANTED, p, id, approver, a.calls(),
        "approved by " + approver + " for " + a.calls() + (a.calls() == 1 ? " call" : " calls"))) {
      return Decision.deny(DenyCode.AUDIT_UNAVAILABLE, List.of("the audit trail did not take approval.granted"),
          policy.policies(), policy.policyVersion());
    }
    if (a.calls() > 1) {
      grants.put(p, id, approver, a.calls(), a.calls() - 1);
    }
    return ApprovalReasons.approved(policy, approver, id, "covers call 1 of " + a.calls());
  }

  /** Runs on an asking thread: asks the handler and forwards its answer; anything it does wrong fails the answer. */
  private void ask(ApprovalRequest request, CompletableFuture<ApprovalAnswer> answer,
      AtomicReference<CompletionStage<ApprovalAnswer>> stage) {
    if (answer.isDone()) {
      return; // the caller gave up before the handler could be asked
    }
    try {
      CompletionStage<ApprovalAnswer> s = handler.request(request);
      if (s == null) {
        answer.completeExceptionally(new NullPointerException("the approval handler returned no stage"));
        return;
      }
      stage.set(s);
      s.whenComplete((a, t) -> {
        if (t != null) {
          answer.completeExceptionally(t);
        } else {
          answer.complete(a);
        }
      });
      if (answer.isDone() && answer.isCancelled()) {
        cancel(s);
      }
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vm) {
        answer.completeExceptionally(vm);
        throw vm;
      }
      answer.completeExceptionally(t);
    }
  }

  /**
   * Gives up on an answer: cancels the handler's stage so a queue withdraws the request. When the
   * handler is still being asked, waits up to {@link #SLICE} for it to return its stage (a handler
   * that returns later has its stage cancelled by {@link #ask}).
   */
  private static void withdraw(CompletableFuture<ApprovalAnswer> answer,
      AtomicReference<CompletionStage<ApprovalAnswer>> stage, CountDownLatch asked) {
    answer.cancel(false);
    try {
      asked.await(SLICE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    CompletionStage<ApprovalAnswer> s = stage.get();
    if (s != null) {
      cancel(s);
    }
  }

  private static void cancel(CompletionStage<ApprovalAnswer> s) {
    try {
      s.toCompletableFuture().cancel(false);
    } catch (RuntimeException e) {
      LOG.debug("the approval handler's stage cannot be cancelled: {}", e.getClass().getName());
    }
  }

  private Decision expired(Pending p, String id, String why, String reason) {
    record(AuditEvent.APPROVAL_EXPIRED, p, id, null, 0, why);
    Decision policy = p.policyDecision();
    return ApprovalReasons.required(policy, reason);
  }

  private boolean record(String type, Pending p, String id, String approver, int calls, String reason) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("approval.id", id);
    if (approver != null) {
      attrs.put("approval.approver", approver);
    }
    if (calls > 0) {
      attrs.put("approval.calls", (long) calls);
    }
    return audit.record(event(type, p).attributes(attrs).reasons(List.of(reason)));
  }

  private static AuditEvent.Builder event(String type, Pending p) {
    return AuditEvent.builder(type)
        .agent(p.agent())
        .onBehalfOf(p.onBehalfOf())
        .task(p.task())
        .credential(p.credential())
        .tool(p.tool())
        .action(p.action())
        .risk(p.risk().wireName())
        .policies(p.policyDecision().policies())
        .policyVersion(p.policyDecision().policyVersion());
  }

  /**
   * Wakes every waiting caller so it re-checks its task at once (the guard calls it after a
   * revocation or a task close), and drops the grants of withdrawn tasks.
   */
  public void wake() {
    for (Thread t : waiting) {
      LockSupport.unpark(t);
    }
    grants.sweep(clock.millis());
  }

  /** How many multi-call grants are held (for tests). */
  int grantsHeld() {
    return grants.size();
  }

  /** Stops the asking threads and wakes every waiter. */
  @Override
  public void close() {
    if (asking != null) {
      asking.shutdownNow();
    }
    wake();
  }

  private String randomId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  private static long plus(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
