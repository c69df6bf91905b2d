package dev.agentguard.cli;

import dev.agentguard.Sensitivity;
import dev.agentguard.TaskState;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A task's state rebuilt from its own chain, as {@link TaskState} for re-deciding its calls: tools
 * called successfully, last tool, allowed calls and the highest sensitivity touched, each as of the
 * event being replayed. Tracks what the trail cannot say (a start that is not in the files, a
 * sensitivity no catalog gave). Not thread-safe.
 *
 * @since 0.2.0
 */
final class ReplayTask implements TaskState {
  private final String id;
  private final Map<String, Object> context;
  private final Set<String> toolsCalled = new LinkedHashSet<>();
  private String purpose;
  private String onBehalfOf;
  private String lastTool;
  private long calls;
  private long startedAtMillis;
  private boolean started;
  private Sensitivity maxSensitivity = Sensitivity.PUBLIC;
  private boolean sensitivityKnown = true;

  ReplayTask(String id, Map<String, Object> context) {
    this.id = id;
    this.context = context;
  }

  /** Applies a {@code task.started} record. */
  void started(long atMillis, String purpose, String onBehalfOf) {
    this.started = true;
    this.startedAtMillis = atMillis;
    this.purpose = purpose;
    this.onBehalfOf = onBehalfOf;
  }

  /** Counts a call the guard allowed (it counts towards {@code task.calls} even if it then failed). */
  void allowed() {
    calls++;
  }

  /**
   * Applies a successful {@code tool.completed}.
   *
   * @param sensitivity what the call touched, or {@code null} when the trail and catalog do not say
   */
  void succeeded(String tool, Sensitivity sensitivity) {
    toolsCalled.add(tool);
    lastTool = tool;
    if (sensitivity == null) {
      sensitivityKnown = false;
    } else {
      maxSensitivity = Sensitivity.max(maxSensitivity, sensitivity);
    }
  }

  /** {@code true} when the files hold this task's {@code task.started}, so its history is complete. */
  boolean complete() {
    return started;
  }

  /** {@code true} unless a successful call touched a sensitivity nobody recorded. */
  boolean sensitivityKnown() {
    return sensitivityKnown;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String purpose() {
    return purpose;
  }

  @Override
  public String onBehalfOf() {
    return onBehalfOf;
  }

  @Override
  public Set<String> toolsCalled() {
    return Set.copyOf(toolsCalled);
  }

  @Override
  public String lastTool() {
    return lastTool;
  }

  @Override
  public long calls() {
    return calls;
  }

  @Override
  public Sensitivity maxSensitivity() {
    return maxSensitivity;
  }

  @Override
  public long startedAtMillis() {
    return startedAtMillis;
  }

  @Override
  public Map<String, Object> context() {
    return context;
  }
}
