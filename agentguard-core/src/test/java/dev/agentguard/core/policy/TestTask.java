package dev.agentguard.core.policy;

import dev.agentguard.Sensitivity;
import dev.agentguard.TaskState;
import java.util.Map;
import java.util.Set;

/** A fixed TaskState for tests. */
record TestTask(String id, String purpose, String onBehalfOf, Set<String> toolsCalled, String lastTool,
    long calls, Sensitivity maxSensitivity, long startedAtMillis, Map<String, Object> context)
    implements TaskState {

  static TestTask basic() {
    return new TestTask("t-1", "triage T-1", "user:alice", Set.of("tickets.read"), "tickets.read", 3,
        Sensitivity.CONFIDENTIAL, 1_000_000L, Map.of("environment", "prod", "tier", 2L));
  }
}
