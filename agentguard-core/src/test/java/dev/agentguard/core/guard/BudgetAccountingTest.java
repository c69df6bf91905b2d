package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditSink;
import dev.agentguard.DenyCode;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Budgets and {@code task.calls} count admitted calls only; rate windows never reopen on a clock step back. */
class BudgetAccountingTest {
  private static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: all",
      "    effect: permit",
      "    tools: [\"**\"]",
      "limits:",
      "  - id: one-post",
      "    tools: [\"http.post\"]",
      "    maxCallsPerTask: 1",
      "  - id: reads-per-minute",
      "    tools: [\"tickets.read\"]",
      "    maxCallsPerMinute: 3",
      "");

  // issue 10 defect: a call refused AUDIT_UNAVAILABLE after the budgets were taken gives them back
  @Test
  void aCallRefusedByTheAuditTrailDoesNotCountAgainstBudgetsOrTaskCalls() {
    AtomicBoolean failing = new AtomicBoolean(true);
    AuditSink flaky = event -> {
      if (failing.get()) {
        throw new java.io.IOException("disk full");
      }
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.auditSink(flaky)
        .writeAheadTimeout(Duration.ofMillis(200)).auditCloseTimeout(Duration.ofSeconds(5)));
        AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://api.acme.example/x", "b"));
      assertEquals(DenyCode.AUDIT_UNAVAILABLE, e.code());
      assertEquals(0, t.calls(), "a refused call is not an allowed call");
      failing.set(false);
      assertEquals("posted", f.tools.post("https://api.acme.example/x", "b"),
          "the refused call must not have used the one-call budget");
      assertEquals(1, t.calls());
      assertEquals(1, f.impl.invocations.get());
    }
  }

  // docs/security-cases.md #46 (issue 11 item 18): a clock step backwards never opens a new window
  @Test
  void aClockStepBackNeverOpensANewRateWindow() {
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b);
        AgentTask t = f.guard.startTask(GuardFixture.spec().scopes("tickets.*").build())) {
      f.clock.advance(Duration.ofMinutes(3));
      int allowed = 0;
      for (int step = 0; step < 3; step++) {
        for (int i = 0; i < 3; i++) {
          try {
            f.tools.read("T-" + i);
            allowed++;
          } catch (AccessDeniedException e) {
            assertEquals(DenyCode.LIMIT_EXCEEDED, e.code(), e.decision().toString());
          }
        }
        f.clock.advance(Duration.ofMinutes(-1));
      }
      assertEquals(3, allowed, "3 per minute, whatever the clock does backwards");
      assertEquals(3, f.impl.invocations.get());
      f.clock.advance(Duration.ofMinutes(4)); // one minute past the highest window seen
      f.tools.read("T-next");
      assertEquals(4, f.impl.invocations.get(), "a forward step does open the next window");
    }
  }
}
