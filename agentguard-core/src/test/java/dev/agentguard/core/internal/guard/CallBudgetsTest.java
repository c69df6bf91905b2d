package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.spi.RateWindows;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-agent rate windows stay bounded, never over-admit, and give back what a denied call took. */
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

  private static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");

  @Test
  void windowsOfPastMinutesAreDroppedAndTheLimitStillHolds() {
    InMemoryRateWindows windows = new InMemoryRateWindows();
    CallBudgets budgets = new CallBudgets(windows);
    List<PolicyLimit> limits = List.of(TWO_PER_MINUTE);
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).auditSink(AuditSinks.inMemory())
        .closeOnShutdown(false).build()) {
      long minute0 = budgets.window(0);
      for (int i = 0; i < InMemoryRateWindows.SWEEP_AGENTS_ABOVE; i++) {
        try (AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of("agent-" + i)).scopes("x").build())) {
          assertNull(budgets.reserve(limits, (TaskImpl) t, minute0, null, new CallBudgets.Reservation()));
        }
      }
      long minute1 = budgets.window(60_000);
      try (AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of("late")).scopes("x").build())) {
        TaskImpl task = (TaskImpl) t;
        assertNull(budgets.reserve(limits, task, minute1, null, new CallBudgets.Reservation()));
        assertNull(budgets.reserve(limits, task, minute1, null, new CallBudgets.Reservation()));
        assertNotNull(budgets.reserve(limits, task, minute1, null, new CallBudgets.Reservation()),
            "the third call in a minute is denied");
        assertEquals(1, windows.trackedAgents("rate"), "the past minute's windows were dropped");
      }
    }
  }

  @Test
  void windowNumbersNeverGoBackwards() {
    CallBudgets budgets = new CallBudgets(RateWindows.inMemory());
    assertEquals(3, budgets.window(3 * 60_000 + 5));
    assertEquals(3, budgets.window(60_000), "a step back stays in the highest window seen");
    assertEquals(4, budgets.window(4 * 60_000));
  }

  @Test
  void aReleasedReservationGivesBackPerTaskAndPerMinuteBudgets() {
    CallBudgets budgets = new CallBudgets(RateWindows.inMemory());
    PolicyLimit both = new PolicyLimit() {
      @Override
      public String id() {
        return "both";
      }

      @Override
      public long maxCallsPerTask() {
        return 1;
      }

      @Override
      public long maxCallsPerMinute() {
        return 1;
      }
    };
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).auditSink(AuditSinks.inMemory())
        .closeOnShutdown(false).build();
        AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of("a")).scopes("x").build())) {
      TaskImpl task = (TaskImpl) t;
      CallBudgets.Reservation first = new CallBudgets.Reservation();
      assertNull(budgets.reserve(List.of(both), task, 0, null, first));
      assertNotNull(budgets.check(List.of(both), task, 0, null), "both budgets are used up");
      first.release();
      assertNull(budgets.check(List.of(both), task, 0, null), "released: both budgets are free again");
      CallBudgets.Reservation second = new CallBudgets.Reservation();
      assertNull(budgets.reserve(List.of(both), task, 0, null, second));
      second.commit();
      second.release();
      assertNotNull(budgets.check(List.of(both), task, 0, null), "a committed reservation is kept");
    }
  }

  // issue 14 changed the code on purpose: an unavailable store is LIMIT_EXCEEDED naming the store,
  // never an uncounted allow
  @Test
  void anUnavailableRateStoreDeniesLimitExceededNamingTheStore() {
    RateWindows down = new RateWindows() {
      @Override
      public Outcome acquire(String agentId, String limitId, long window, long max) {
        return Outcome.UNAVAILABLE;
      }

      @Override
      public Outcome available(String agentId, String limitId, long window, long max) {
        return Outcome.UNAVAILABLE;
      }

      @Override
      public void release(String agentId, String limitId, long window) {}
    };
    CallBudgets budgets = new CallBudgets(down);
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).auditSink(AuditSinks.inMemory())
        .closeOnShutdown(false).build();
        AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of("a")).scopes("x").build())) {
      dev.agentguard.Decision d =
          budgets.reserve(List.of(TWO_PER_MINUTE), (TaskImpl) t, 0, null, new CallBudgets.Reservation());
      assertEquals(dev.agentguard.DenyCode.LIMIT_EXCEEDED, d.code());
      assertTrue(d.reasons().get(0).contains("did not answer"), d.reasons().toString());
      assertEquals(dev.agentguard.DenyCode.LIMIT_EXCEEDED, budgets.check(List.of(TWO_PER_MINUTE), (TaskImpl) t, 0, null)
          .code(), "a dry run too");
    }
  }
}
