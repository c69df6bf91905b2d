package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-agent rate windows stay bounded and never over-admit. */
class CallBudgetsTest {
  private static final PolicyLimit TWO_PER_MINUTE = new PolicyLimit() {
    @Override
    public String id() {
      return "rate";
    }

    @Override
    public long maxCallsPerTask() {
      return -1;
    }

    @Override
    public long maxCallsPerMinute() {
      return 2;
    }
  };

  @Test
  void windowsOfPastMinutesAreDroppedAndTheLimitStillHolds() {
    PolicySet policy = PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");
    CallBudgets budgets = new CallBudgets();
    List<PolicyLimit> limits = List.of(TWO_PER_MINUTE);
    try (AgentGuard guard = AgentGuard.builder().policy(policy).auditSink(AuditSinks.inMemory()).build()) {
      long minute0 = 0;
      for (int i = 0; i < CallBudgets.SWEEP_AGENTS_ABOVE; i++) {
        try (AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of("agent-" + i)).scopes("x").build())) {
          assertNull(budgets.consume(limits, (TaskImpl) t, minute0, null));
        }
      }
      long minute1 = 60_000;
      try (AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of("late")).scopes("x").build())) {
        TaskImpl task = (TaskImpl) t;
        assertNull(budgets.consume(limits, task, minute1, null));
        assertNull(budgets.consume(limits, task, minute1, null));
        assertNotNull(budgets.consume(limits, task, minute1, null), "the third call in a minute is denied");
        assertEquals(1, budgets.trackedAgents("rate"), "the past minute's windows were dropped");
      }
    }
  }
}
