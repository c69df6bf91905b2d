package dev.agentguard.core.internal.guard;

import dev.agentguard.core.spi.RateWindows;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory {@link RateWindows}, the guard's default: one counter per limit and agent for the
 * current window. Windows of past minutes are dropped once a limit tracks many agents, so memory
 * stays bounded by the agents active in the current window. A window number lower than the current
 * one counts against the current window (a step back never opens a fresh one). Thread-safe.
 *
 * @since 0.2.0
 */
public final class InMemoryRateWindows implements RateWindows {
  /** Windows of past minutes are dropped when a limit tracks this many agents. */
  static final int SWEEP_AGENTS_ABOVE = 4_096;

  /** limit id -> agent id -> window. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Window>> rates = new ConcurrentHashMap<>();

  /** A new, empty set of windows. */
  public InMemoryRateWindows() {}

  /** The counter of one agent under one limit, for the highest window it has seen. */
  private static final class Window {
    private long index;
    private long count;

    Window(long index) {
      this.index = index;
    }

    synchronized boolean isBefore(long windowIndex) {
      return index < windowIndex;
    }

    synchronized boolean hasRoom(long windowIndex, long max) {
      return windowIndex > index || count < max;
    }

    synchronized boolean take(long windowIndex, long max) {
      if (windowIndex > index) {
        index = windowIndex;
        count = 0;
      }
      if (count >= max) {
        return false;
      }
      count++;
      return true;
    }

    synchronized void giveBack(long windowIndex) {
      if (windowIndex == index && count > 0) {
        count--;
      }
    }
  }

  @Override
  public Outcome acquire(String agentId, String limitId, long window, long max) {
    // retried when a concurrent sweep detached the window in between, so a swept window never hands out an extra call
    while (true) {
      Window w = window(agentId, limitId, window);
      boolean taken = w.take(window, max);
      if (rates.get(limitId).get(agentId) == w) {
        return taken ? Outcome.ALLOWED : Outcome.DENIED;
      }
    }
  }

  @Override
  public Outcome available(String agentId, String limitId, long window, long max) {
    ConcurrentHashMap<String, Window> perAgent = rates.get(limitId);
    Window w = perAgent == null ? null : perAgent.get(agentId);
    return w == null || w.hasRoom(window, max) ? Outcome.ALLOWED : Outcome.DENIED;
  }

  @Override
  public void release(String agentId, String limitId, long window) {
    ConcurrentHashMap<String, Window> perAgent = rates.get(limitId);
    Window w = perAgent == null ? null : perAgent.get(agentId);
    if (w != null) {
      w.giveBack(window);
    }
  }

  private Window window(String agentId, String limitId, long windowIndex) {
    ConcurrentHashMap<String, Window> perAgent = rates.computeIfAbsent(limitId, k -> new ConcurrentHashMap<>());
    Window w = perAgent.get(agentId);
    if (w == null) {
      if (perAgent.size() >= SWEEP_AGENTS_ABOVE) {
        perAgent.values().removeIf(old -> old.isBefore(windowIndex));
      }
      w = perAgent.computeIfAbsent(agentId, k -> new Window(windowIndex));
    }
    return w;
  }

  /** How many agents a limit currently tracks windows for (for tests and diagnostics). */
  int trackedAgents(String limitId) {
    ConcurrentHashMap<String, Window> perAgent = rates.get(limitId);
    return perAgent == null ? 0 : perAgent.size();
  }
}
