package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.PolicyLimit;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces the policy's {@code limits}: {@code maxCallsPerTask} counted per task and
 * {@code maxCallsPerMinute} counted per agent in fixed windows of the guard clock. Only allowed
 * calls count.
 */
final class CallBudgets {
  private static final long WINDOW_MILLIS = 60_000;

  /** limit id -> agent id -> window. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Window>> rates = new ConcurrentHashMap<>();

  /** A fixed one-minute window of one agent under one limit. */
  private static final class Window {
    private long index = Long.MIN_VALUE;
    private long count;

    synchronized boolean hasRoom(long windowIndex, long max) {
      return windowIndex != index || count < max;
    }

    synchronized boolean take(long windowIndex, long max) {
      if (windowIndex != index) {
        index = windowIndex;
        count = 0;
      }
      if (count >= max) {
        return false;
      }
      count++;
      return true;
    }
  }

  /** A deny when a budget is already used up, else {@code null}. Consumes nothing. */
  Decision check(List<PolicyLimit> limits, TaskImpl task, long nowMillis, String policyVersion) {
    for (int i = 0; i < limits.size(); i++) {
      PolicyLimit limit = limits.get(i);
      long perTask = limit.maxCallsPerTask();
      if (perTask >= 0 && task.limitCount(limit.id()).get() >= perTask) {
        return perTaskDeny(limit, policyVersion);
      }
      long perMinute = limit.maxCallsPerMinute();
      if (perMinute >= 0 && !window(limit, task).hasRoom(Math.floorDiv(nowMillis, WINDOW_MILLIS), perMinute)) {
        return perMinuteDeny(limit, task, policyVersion);
      }
    }
    return null;
  }

  /**
   * Takes one call from every applicable budget, atomically per budget; a deny (and nothing taken
   * from the budgets checked after it... and before it, which are given back) when one is used up.
   */
  Decision consume(List<PolicyLimit> limits, TaskImpl task, long nowMillis, String policyVersion) {
    long windowIndex = Math.floorDiv(nowMillis, WINDOW_MILLIS);
    for (int i = 0; i < limits.size(); i++) {
      PolicyLimit limit = limits.get(i);
      long perTask = limit.maxCallsPerTask();
      if (perTask >= 0) {
        AtomicLong count = task.limitCount(limit.id());
        if (count.incrementAndGet() > perTask) {
          count.decrementAndGet();
          giveBack(limits, i, task);
          return perTaskDeny(limit, policyVersion);
        }
      }
      long perMinute = limit.maxCallsPerMinute();
      if (perMinute >= 0 && !window(limit, task).take(windowIndex, perMinute)) {
        if (perTask >= 0) {
          task.limitCount(limit.id()).decrementAndGet();
        }
        giveBack(limits, i, task);
        return perMinuteDeny(limit, task, policyVersion);
      }
    }
    return null;
  }

  /** Returns the per-task calls taken from limits {@code [0, upTo)}; per-minute windows keep them (conservative). */
  private static void giveBack(List<PolicyLimit> limits, int upTo, TaskImpl task) {
    for (int j = 0; j < upTo; j++) {
      PolicyLimit limit = limits.get(j);
      if (limit.maxCallsPerTask() >= 0) {
        task.limitCount(limit.id()).decrementAndGet();
      }
    }
  }

  private Window window(PolicyLimit limit, TaskImpl task) {
    return rates.computeIfAbsent(limit.id(), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(task.agent().id(), k -> new Window());
  }

  private static Decision perTaskDeny(PolicyLimit limit, String version) {
    return Decision.deny(DenyCode.LIMIT_EXCEEDED,
        List.of("limit " + limit.id() + ": " + limit.maxCallsPerTask() + " calls per task used up"),
        List.of(limit.id()), version);
  }

  private static Decision perMinuteDeny(PolicyLimit limit, TaskImpl task, String version) {
    return Decision.deny(DenyCode.LIMIT_EXCEEDED,
        List.of("limit " + limit.id() + ": " + limit.maxCallsPerMinute() + " calls per minute for agent "
            + task.agent().id() + " used up"),
        List.of(limit.id()), version);
  }
}
