package dev.agentguard;

import java.util.Map;
import java.util.Set;

/**
 * What a task is and what it has done so far, as policies read it under the {@code task} root
 * ({@code task.calls}, {@code task.maxSensitivity}, {@code task.tools}, ...) and the {@code context}
 * root (values from {@link TaskSpec.Builder#context(String, Object)}).
 *
 * <p>Implementations are thread-safe; the values may change between calls as the task proceeds.
 *
 * @since 0.1.0
 */
public interface TaskState {
  /** The task id. */
  String id();

  /** Why the task exists ({@code task.purpose}), or {@code null}. */
  String purpose();

  /** The principal the agent acts for ({@code task.onBehalfOf}), or {@code null}. */
  String onBehalfOf();

  /** Distinct names of the tools this task has called successfully ({@code task.tools}). */
  Set<String> toolsCalled();

  /** The tool of the last successful call ({@code task.lastTool}), or {@code null}. */
  String lastTool();

  /**
   * The number of admitted calls so far ({@code task.calls}): calls the policy allowed and the audit
   * trail took, counted before the tool body runs, whether it then succeeds or throws. Denied calls,
   * dry runs and calls refused {@code AUDIT_UNAVAILABLE} do not count.
   */
  long calls();

  /** The highest sensitivity touched by a successful call ({@code task.maxSensitivity}); starts at PUBLIC. */
  Sensitivity maxSensitivity();

  /** When the task started, epoch milliseconds of the guard's clock ({@code task.ageSeconds} derives from it). */
  long startedAtMillis();

  /** Host-supplied context values, read as {@code context.<name>}; request attributes of the same path win. */
  Map<String, Object> context();
}
