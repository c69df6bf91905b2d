package dev.agentguard.opentelemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which tool names may appear in metric attributes and span names: a fixed set when one was
 * configured, else the names the policy allowed at least once, up to a cap. Everything else is
 * {@link TelemetryKeys#OTHER_TOOL}, so a model that invents tool names (adapters pass them through)
 * cannot grow metric cardinality past the cap: a denied tool is never learnt, and a rule broad
 * enough to allow invented names (a {@code files.*} permit) fills the cap at worst. The names
 * themselves are short by construction ({@code ToolRequest} allows 1 to 128 letters, digits and
 * {@code . _ -}). Thread-safe.
 */
final class ToolNames {
  private final Set<String> fixed;
  private final Set<String> learnt = ConcurrentHashMap.newKeySet();
  private final AtomicInteger room;

  ToolNames(Set<String> fixed, int maxLearnt) {
    this.fixed = fixed == null ? null : Set.copyOf(fixed);
    this.room = new AtomicInteger(fixed == null ? maxLearnt : 0);
  }

  /** {@code tool} if it is known, else {@link TelemetryKeys#OTHER_TOOL}. */
  String bounded(String tool) {
    if (tool == null) {
      return TelemetryKeys.OTHER_TOOL;
    }
    Set<String> known = fixed != null ? fixed : learnt;
    return known.contains(tool) ? tool : TelemetryKeys.OTHER_TOOL;
  }

  /** Notes that the policy allowed {@code tool}: learnt while there is room (no-op for a fixed set). */
  void allowed(String tool) {
    if (fixed != null || tool == null || learnt.contains(tool)) {
      return;
    }
    if (room.getAndUpdate(r -> r > 0 ? r - 1 : 0) > 0 && !learnt.add(tool)) {
      room.incrementAndGet(); // another thread learnt it first: give the slot back
    }
  }
}
