package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.spi.RateWindows;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the policy's {@code limits}: {@code maxCallsPerTask} counted per task and
 * {@code maxCallsPerMinute} counted per agent in one-minute windows of {@link RateWindows}. A call
 * reserves its budgets before it is decided and keeps them only when it is admitted (allowed and
 * taken by the audit trail); any later deny gives them back, so only admitted calls count.
 *
 * <p>Windows are numbered from the guard clock's minute, but never lower than the highest number
 * seen: a clock step backwards stays in the current window and never opens a fresh one. Thread-safe.
 */
final class CallBudgets {
  private static final Logger LOG = LoggerFactory.getLogger(CallBudgets.class);
  private static final long WINDOW_MILLIS = 60_000;

  private final RateWindows windows;
  private final AtomicLong highestWindow = new AtomicLong(Long.MIN_VALUE);

  CallBudgets(RateWindows windows) {
    this.windows = windows;
  }

  /** Budgets one call took; given back unless the call is admitted. Not thread-safe (one per call). */
  static final class Reservation {
    private final List<Runnable> undo = new ArrayList<>(2);

    /** Gives everything back. Idempotent. */
    void release() {
      if (undo.isEmpty()) {
        return;
      }
      for (int i = undo.size() - 1; i >= 0; i--) {
        try {
          undo.get(i).run();
        } catch (RuntimeException e) {
          // a store that cannot take a slot back keeps it: conservative, the window only gets fuller
          LOG.warn("giving back a rate window slot failed: {}", e.toString());
        }
      }
      undo.clear();
    }

    /** Keeps everything taken. */
    void commit() {
      undo.clear();
    }
  }

  /** The window number for a time: its minute, but never lower than the highest number seen. */
  long window(long nowMillis) {
    long minute = Math.floorDiv(nowMillis, WINDOW_MILLIS);
    return highestWindow.accumulateAndGet(minute, Math::max);
  }

  /** A deny when a budget is already used up, else {@code null}. Takes nothing (dry runs). */
  Decision check(List<PolicyLimit> limits, TaskImpl task, long window, String policyVersion) {
    for (int i = 0; i < limits.size(); i++) {
      PolicyLimit limit = limits.get(i);
      long perTask = limit.maxCallsPerTask();
      if (perTask >= 0 && task.limitCount(limit.id()).get() >= perTask) {
        return perTaskDeny(limit, policyVersion);
      }
      long perMinute = limit.maxCallsPerMinute();
      if (perMinute >= 0) {
        RateWindows.Outcome outcome;
        try {
          outcome = windows.available(task.agent().id(), limit.id(), window, perMinute);
        } catch (RuntimeException e) {
          outcome = RateWindows.Outcome.UNAVAILABLE;
        }
        Decision d = rateDeny(outcome, limit, task, policyVersion);
        if (d != null) {
          return d;
        }
      }
    }
    return null;
  }

  /**
   * Takes one call from every applicable budget, atomically per budget, into {@code reservation}; a
   * deny (with everything taken so far given back) when one is used up or cannot be reached.
   */
  Decision reserve(List<PolicyLimit> limits, TaskImpl task, long window, String policyVersion,
      Reservation reservation) {
    String agent = task.agent().id();
    for (int i = 0; i < limits.size(); i++) {
      PolicyLimit limit = limits.get(i);
      long perTask = limit.maxCallsPerTask();
      if (perTask >= 0) {
        AtomicLong count = task.limitCount(limit.id());
        if (count.incrementAndGet() > perTask) {
          count.decrementAndGet();
          reservation.release();
          return perTaskDeny(limit, policyVersion);
        }
        reservation.undo.add(count::decrementAndGet);
      }
      long perMinute = limit.maxCallsPerMinute();
      if (perMinute >= 0) {
        RateWindows.Outcome outcome;
        try {
          outcome = windows.acquire(agent, limit.id(), window, perMinute);
        } catch (RuntimeException e) {
          outcome = RateWindows.Outcome.UNAVAILABLE;
        }
        Decision d = rateDeny(outcome, limit, task, policyVersion);
        if (d != null) {
          reservation.release();
          return d;
        }
        String id = limit.id();
        reservation.undo.add(() -> windows.release(agent, id, window));
      }
    }
    return null;
  }

  /** Unavailable is a {@code LIMIT_EXCEEDED} naming the store: a covered call is never allowed uncounted. */
  private Decision rateDeny(RateWindows.Outcome outcome, PolicyLimit limit, TaskImpl task, String version) {
    return switch (outcome) {
      case ALLOWED -> null;
      case DENIED -> Decision.deny(DenyCode.LIMIT_EXCEEDED,
          List.of("limit " + limit.id() + ": " + limit.maxCallsPerMinute() + " calls per minute for agent "
              + task.agent().id() + " used up"),
          List.of(limit.id()), version);
      case UNAVAILABLE -> Decision.deny(DenyCode.LIMIT_EXCEEDED,
          List.of("limit " + limit.id() + ": the rate window store (" + windows.describe()
              + ") did not answer; the call is not allowed uncounted"), List.of(limit.id()), version);
    };
  }

  private static Decision perTaskDeny(PolicyLimit limit, String version) {
    return Decision.deny(DenyCode.LIMIT_EXCEEDED,
        List.of("limit " + limit.id() + ": " + limit.maxCallsPerTask() + " calls per task used up"),
        List.of(limit.id()), version);
  }
}
