package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.spi.ObligationStep;
import dev.agentguard.core.spi.RateWindows;
import dev.agentguard.core.spi.RevocationStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The SPIs plug into a real guard: each is one new class, and each fails closed. */
class SpiSeamsTest {
  private static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: all",
      "    effect: permit",
      "    tools: [\"**\"]",
      "limits:",
      "  - id: reads-per-minute",
      "    tools: [\"tickets.read\"]",
      "    maxCallsPerMinute: 2",
      "  - id: one-email",
      "    tools: [\"email.send\"]",
      "    maxCallsPerTask: 1",
      "");

  // docs/security-cases.md #49: a guard whose revocation view is stale denies
  @Test
  void aStaleOrFailingRevocationStoreDeniesEveryCallWithARecord() {
    FlakyRevocationStore store = new FlakyRevocationStore();
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.revocationStore(store));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals("ticket T-1", f.tools.read("T-1"));
      store.stale.set(true);
      // issue 14 changed the code on purpose: a stale view denies REVOCATION_UNAVAILABLE
      assertEquals(DenyCode.REVOCATION_UNAVAILABLE,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-2")).code());
      store.stale.set(false);
      store.throwing.set(true);
      assertEquals(DenyCode.EVALUATION_ERROR,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-3")).code());
      assertEquals(1, f.impl.invocations.get(), "the tool body ran on a deny");
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(1, events.stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type())
          && "REVOCATION_UNAVAILABLE".equals(e.code())).count());
      assertEquals(1, events.stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type())
          && "EVALUATION_ERROR".equals(e.code())).count());
    }
  }

  @Test
  void revocationsGoThroughTheConfiguredStore() {
    FlakyRevocationStore store = new FlakyRevocationStore();
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.revocationStore(store));
        AgentTask t = f.guard.startTask(allScopes())) {
      f.guard.revokeTask(t.id());
      assertTrue(store.inner.isTaskRevoked(t.id()));
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1")).code());
    }
  }

  @Test
  void twoGuardsSharingRateWindowsCountTogether() {
    RateWindows shared = RateWindows.inMemory();
    try (GuardFixture a = new GuardFixture(PolicySet.parse(POLICY), b -> b.rateWindows(shared));
        GuardFixture b = new GuardFixture(PolicySet.parse(POLICY), x -> x.rateWindows(shared))) {
      AgentTask ta = a.guard.startTask(allScopes());
      a.tools.read("T-1");
      AgentTask tb = b.guard.startTask(allScopes());
      b.tools.read("T-2");
      assertEquals(DenyCode.LIMIT_EXCEEDED,
          assertThrows(AccessDeniedException.class, () -> b.tools.read("T-3")).code(),
          "the fleet-wide window of the agent is full");
      tb.close();
      ta.close();
    }
  }

  @Test
  void anUnavailableRateStoreDenies() {
    RateWindows down = new RateWindows() {
      @Override
      public Outcome acquire(String agentId, String limitId, long window, long max) {
        throw new IllegalStateException("redis down");
      }

      @Override
      public Outcome available(String agentId, String limitId, long window, long max) {
        return Outcome.UNAVAILABLE;
      }

      @Override
      public void release(String agentId, String limitId, long window) {}
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.rateWindows(down));
        AgentTask t = f.guard.startTask(allScopes())) {
      // issue 14 changed the code on purpose: an unreachable rate store is LIMIT_EXCEEDED naming the store
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.LIMIT_EXCEEDED, e.code());
      assertTrue(e.decision().reasons().get(0).contains("did not answer"), e.decision().reasons().toString());
      assertEquals(DenyCode.LIMIT_EXCEEDED, f.guard.check(dev.agentguard.ToolRequest.builder("tickets.read")
          .build()).code(), "a dry run fails closed too");
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void anObligationDenyIsHonouredAndGivesTheBudgetBack() {
    AtomicBoolean approved = new AtomicBoolean();
    ObligationStep approval = (request, task, allow) -> approved.get() ? null
        : Decision.deny(DenyCode.APPROVAL_REQUIRED, "a human must approve " + request.tool());
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.obligations(approval));
        AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.email("a@acme.example", "tok"));
      assertEquals(DenyCode.APPROVAL_REQUIRED, e.code());
      assertEquals(0, f.impl.invocations.get());
      assertEquals(0, t.calls());
      approved.set(true);
      f.tools.email("a@acme.example", "tok");
      assertEquals(1, f.impl.invocations.get(), "the denied call did not use the one-email budget");
    }
  }

  @Test
  void anObligationThatThrowsDenies() {
    ObligationStep broken = (request, task, allow) -> {
      throw new IllegalStateException("approval service down");
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.obligations(broken));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals(DenyCode.EVALUATION_ERROR,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1")).code());
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void everySpiSettingIsSetOnce() {
    AgentGuard.Builder b = AgentGuard.builder().rateWindows(RateWindows.inMemory());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.rateWindows(RateWindows.inMemory()));
    assertEquals("rateWindows was already set", e.getMessage());
    assertThrows(NullPointerException.class, () -> AgentGuard.builder().obligations(null));
    assertThrows(IllegalStateException.class, () -> AgentGuard.builder().revocationStore(
        RevocationStore.inMemory(Clock.systemUTC())).revocationStore(RevocationStore.inMemory(Clock.systemUTC())));
    assertThrows(IllegalStateException.class, () -> AgentGuard.builder().policy(PolicySet.parse(POLICY))
        .policy(PolicySet.parse(POLICY)));
    assertTrue(AuditSinks.inMemory() != null);
  }
}
