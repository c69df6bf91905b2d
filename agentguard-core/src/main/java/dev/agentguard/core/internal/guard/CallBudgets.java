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
 * calls count. Windows of past minutes are dropped once a limit tracks many agents, so memory stays
 * bounded by the agents active in the current minute.
 */
final class CallBudgets {
  private static final long WINDOW_MILLIS = 60_000;
  /** Windows of past minutes are dropped when a limit tracks this many agents. */
  static final int SWEEP_AGENTS_ABOVE = 4_096;

  /** limit id -> agent id -> window. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Window>> rates = new ConcurrentHashMap<>();

  /** A fixed one-minute window of one agent under one limit. */
  private static final class Window {
    private long index;
    private long count;

    Window(long index) {
      this.index = index;
    }

    /** Whether this window ended before {@code windowIndex}, so it no longer limits anything. */
    synchronized boolean isBefore(long windowIndex) {
      return index < windowIndex;
    }

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
      long windowIndex = Math.floorDiv(nowMillis, WINDOW_MILLIS);
      if (perMinute >= 0 && !window(limit, task, windowIndex).hasRoom(windowIndex, perMinute)) {
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
      if (perMinute >= 0 && !take(limit, task, windowIndex, perMinute)) {
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

  /**
   * Takes one call from the agent's current window; retried when a concurrent sweep detached the
   * window in between, so a swept window can never hand out an extra call.
   */
  private boolean take(PolicyLimit limit, TaskImpl task, long windowIndex, long max) {
    while (true) {
      Window w = window(limit, task, windowIndex);
      boolean taken = w.take(windowIndex, max);
      if (rates.get(limit.id()).get(task.agent().id()) == w) {
        return taken;
      }
    }
  }

  private Window window(PolicyLimit limit, TaskImpl task, long windowIndex) {
    ConcurrentHashMap<String, Window> perAgent = rates.computeIfAbsent(limit.id(), k -> new ConcurrentHashMap<>());
    Window w = perAgent.get(task.agent().id());
    if (w == null) {
      if (perAgent.size() >= SWEEP_AGENTS_ABOVE) {
        perAgent.values().removeIf(old -> old.isBefore(windowIndex));
      }
      w = perAgent.computeIfAbsent(task.agent().id(), k -> new Window(windowIndex));
    }
    return w;
  }

  /** How many agents a limit currently tracks windows for (for tests and diagnostics). */
  int trackedAgents(String limitId) {
    ConcurrentHashMap<String, Window> perAgent = rates.get(limitId);
    return perAgent == null ? 0 : perAgent.size();
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
