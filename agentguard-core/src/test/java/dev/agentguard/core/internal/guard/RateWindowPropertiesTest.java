package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.spi.RateWindows;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Per-minute budgets against a deliberately naive reference: the window is the highest minute the
 * clock has shown, a call is admitted while fewer than {@code max} were committed in it, and a
 * released reservation leaves no trace — whatever the clock does, backwards steps included.
 */
class RateWindowPropertiesTest {
  private static final long MAX = 3;
  private static final PolicyLimit PER_MINUTE = new PolicyLimit() {
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
      return MAX;
    }
  };
  private static final TaskImpl TASK = (TaskImpl) AgentGuard.builder()
      .policy(PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n"))
      .auditSink(AuditSinks.inMemory()).build()
      .startTask(TaskSpec.builder(AgentIdentity.of("agent-p")).scopes("x").build());

  /** One step: move the clock by some seconds (maybe backwards), then reserve and commit or release. */
  record Op(int clockStepSeconds, boolean commit) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    return Combinators.combine(Arbitraries.integers().between(-150, 150), Arbitraries.of(true, false))
        .as(Op::new).list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void admitsExactlyWhatTheNaiveReferenceAdmits(@ForAll("ops") List<Op> ops) {
    CallBudgets budgets = new CallBudgets(RateWindows.inMemory());
    long now = 10 * 60_000;
    long highestMinute = Long.MIN_VALUE;
    Map<Long, Long> committed = new HashMap<>();
    for (Op op : ops) {
      now += op.clockStepSeconds() * 1000L;
      highestMinute = Math.max(highestMinute, Math.floorDiv(now, 60_000));
      boolean expected = committed.getOrDefault(highestMinute, 0L) < MAX;

      CallBudgets.Reservation r = new CallBudgets.Reservation();
      Decision d = budgets.reserve(List.of(PER_MINUTE), TASK, budgets.window(now), null, r);
      assertEquals(expected, d == null, "at minute " + highestMinute + " after " + committed);
      if (d == null) {
        if (op.commit()) {
          r.commit();
          committed.merge(highestMinute, 1L, Long::sum);
        } else {
          r.release();
        }
      }
    }
  }
}
