package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AuditSink;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.TestClock;
import dev.agentguard.core.guard.FlakyRevocationStore;
import dev.agentguard.core.internal.Glob;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.spi.RateWindows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #70
/** Each step of the request path on its own, on a real task of a real guard. */
class CallStepsTest {
  private static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: reads",
      "    effect: permit",
      "    tools: [\"tickets.read\"]",
      "limits:",
      "  - id: two-reads",
      "    tools: [\"tickets.read\"]",
      "    maxCallsPerTask: 2",
      "");

  private final TestClock clock = TestClock.at("2026-11-28T10:00:00Z");
  private final PolicySet policy = PolicySet.parse(POLICY);
  private final AgentGuard guard = AgentGuard.builder().policy(policy).clock(clock)
      .auditSink(AuditSinks.inMemory()).closeOnShutdown(false).build();
  private final TaskImpl task = (TaskImpl) guard.startTask(TaskSpec.builder(AgentIdentity.of("agent-a"))
      .scopes("tickets.*").ttl(Duration.ofMinutes(5)).build());

  @AfterEach
  void close() {
    guard.close();
  }

  private Call call(String tool, Risk risk, boolean consume) {
    Call c = new Call(ToolRequest.builder(tool).risk(risk).build(), consume, clock.millis(), policy);
    c.enteredOn(task);
    return c;
  }

  private Call read() {
    return call("tickets.read", Risk.LOW, true);
  }

  @Test
  void guardOpenDeniesOnceClosed() {
    assertNull(new GuardOpenStep(() -> false).check(read()));
    assertSame(GuardOpenStep.GUARD_CLOSED, new GuardOpenStep(() -> true).check(read()));
    assertEquals(DenyCode.AUDIT_UNAVAILABLE, GuardOpenStep.GUARD_CLOSED.code());
  }

  /** How many calls another thread (one that would close the task) sees in flight. */
  private long inFlightSeenFromAnotherThread() throws Exception {
    java.util.concurrent.FutureTask<Long> f =
        new java.util.concurrent.FutureTask<>(() -> task.awaitCallsOfOtherThreads(System.nanoTime()));
    new Thread(f).start();
    return f.get();
  }

  @Test
  void taskBoundDeniesWithoutAnOpenTaskAndMarksTheCallInFlight() throws Exception {
    Call none = new Call(ToolRequest.builder("tickets.read").build(), true, clock.millis(), policy);
    assertSame(TaskBoundStep.NO_TASK, new TaskBoundStep(() -> null).check(none));
    Call bound = new Call(ToolRequest.builder("tickets.read").build(), true, clock.millis(), policy);
    assertNull(new TaskBoundStep(() -> task).check(bound));
    assertSame(task, bound.task());
    assertEquals(1, inFlightSeenFromAnotherThread(), "the call is in flight for a thread that closes the task");
    assertEquals(0, task.awaitCallsOfOtherThreads(System.nanoTime()), "but not for its own thread");
    bound.leave();
    assertEquals(0, inFlightSeenFromAnotherThread());
    task.close();
    Call afterClose = new Call(ToolRequest.builder("tickets.read").build(), true, clock.millis(), policy);
    assertSame(TaskBoundStep.NO_TASK, new TaskBoundStep(() -> task).check(afterClose));
  }

  @Test
  void credentialLifetimeDeniesBeforeIssueAndFromExpiry() {
    CredentialLifetimeStep step = new CredentialLifetimeStep();
    assertNull(step.check(read()));
    clock.advance(Duration.ofMinutes(5));
    assertEquals(DenyCode.CREDENTIAL_EXPIRED, step.check(read()).code(), "expiry is exclusive");
    clock.advance(Duration.ofMinutes(-6));
    assertEquals(DenyCode.CREDENTIAL_EXPIRED, step.check(read()).code(), "not valid before issue");
  }

  // docs/security-cases.md #35 and #36: a cached "clean" never outlives a revocation
  @Test
  void revocationLooksUpOncePerStoreVersionAndSeesEveryNewRevocation() {
    FlakyRevocationStore store = new FlakyRevocationStore();
    RevocationStep step = new RevocationStep(new Revocations(store));
    assertNull(step.check(read()));
    assertNull(step.check(read()));
    assertEquals(1, store.lookups.get(), "unchanged version: the clean result is reused");
    store.revokeCredential("someone-else", Long.MAX_VALUE);
    assertNull(step.check(read()));
    assertEquals(2, store.lookups.get(), "a new version is looked up");
    store.revokeAgent("agent-a", task.issuedAtMillis() + 1, Long.MAX_VALUE);
    assertEquals(DenyCode.CREDENTIAL_REVOKED, step.check(read()).code());
  }

  @Test
  void aStaleRevocationStoreDenies() {
    FlakyRevocationStore store = new FlakyRevocationStore();
    store.stale.set(true);
    assertSame(RevocationStep.STALE, new RevocationStep(new Revocations(store)).check(read()));
    // issue 14 changed the code on purpose: a stale view has its own code, REVOCATION_UNAVAILABLE
    assertEquals(DenyCode.REVOCATION_UNAVAILABLE, RevocationStep.STALE.code());
  }

  // docs/security-cases.md #49: a store configured to deny only elevated tools while stale
  @Test
  void aStaleStoreThatDeniesFromHighLetsALowerRiskToolThroughButNotAHighOne() {
    FlakyRevocationStore store = new FlakyRevocationStore();
    store.staleDeniesFrom = Risk.HIGH;
    store.stale.set(true);
    RevocationStep step = new RevocationStep(new Revocations(store));
    assertNull(step.check(read()), "tickets.read is below HIGH");
    assertSame(RevocationStep.STALE, step.check(call("email.send", Risk.HIGH, true)));
  }

  // an agent revocation in the same millisecond as the task's issue time still covers the task:
  // it is judged by the store's revocation count, not by comparing times
  @Test
  void anAgentRevocationInTheSameMillisecondAsTheIssueStillRevokesTheTask() {
    dev.agentguard.core.spi.RevocationStore store = dev.agentguard.core.spi.RevocationStore.inMemory(java.time.Clock.systemUTC());
    RevocationStep step = new RevocationStep(new Revocations(store));
    assertNull(step.check(read()));
    store.revokeAgent("agent-a", task.issuedAtMillis(), Long.MAX_VALUE);
    assertEquals(DenyCode.CREDENTIAL_REVOKED, step.check(read()).code());
  }

  @Test
  void scopeDeniesAToolOutsideTheCredentialsScopes() {
    assertNull(new ScopeStep().check(read()));
    assertEquals(DenyCode.OUT_OF_SCOPE, new ScopeStep().check(call("email.send", Risk.LOW, true)).code());
    assertEquals(DenyCode.OUT_OF_SCOPE, new ScopeStep().check(call("email.send", Risk.LOW, true)).code(),
        "the cached match gives the same answer");
  }

  @Test
  void riskTierChecksAgeThenVerifiedAgentThenPrincipal() {
    clock.advance(Duration.ofMinutes(2));
    Call high = call("tickets.read", Risk.HIGH, true);
    RiskTierStep all = new RiskTierStep(Risk.HIGH, Duration.ofMinutes(1), true, true);
    assertEquals(DenyCode.CREDENTIAL_EXPIRED, all.check(high).code(), "age comes first");
    RiskTierStep verified = new RiskTierStep(Risk.HIGH, Duration.ofMinutes(10), true, true);
    assertEquals(DenyCode.AGENT_UNVERIFIED, verified.check(high).code(), "then the verified agent");
    RiskTierStep principal = new RiskTierStep(Risk.HIGH, null, false, true);
    assertEquals(DenyCode.FORBIDDEN, principal.check(high).code(), "then the principal");
    assertNull(all.check(call("tickets.read", Risk.MEDIUM, true)), "below the tier nothing is checked");
  }

  @Test
  void policyLoadedDeniesWithoutAPolicyAndNamesTheLastRejection() {
    Call noPolicy = new Call(ToolRequest.builder("tickets.read").build(), true, clock.millis(), null);
    Decision d = new PolicyLoadedStep(() -> "p.yaml:3:5: bad").check(noPolicy);
    assertEquals(DenyCode.POLICY_UNAVAILABLE, d.code());
    assertTrue(d.reasons().get(0).contains("p.yaml:3:5: bad"), d.reasons().toString());
    assertNull(new PolicyLoadedStep(() -> null).check(read()));
  }

  @Test
  void limitsReserveForConsumingCallsAndOnlyLookForDryRuns() {
    LimitsStep step = new LimitsStep(new CallBudgets(RateWindows.inMemory()));
    for (int i = 0; i < 5; i++) {
      assertNull(step.check(call("tickets.read", Risk.LOW, false)), "a dry run takes nothing");
    }
    Call first = read();
    assertNull(step.check(first));
    Call second = read();
    assertNull(step.check(second));
    assertEquals(DenyCode.LIMIT_EXCEEDED, step.check(read()).code());
    second.reservation().release();
    assertNull(step.check(read()), "a released reservation frees its budget");
  }

  @Test
  void policyDecisionLeavesTheAllowOnTheCallAndReturnsADeny() {
    PolicyDecisionStep step = new PolicyDecisionStep(List.of(), new DerivedAttributes(new Glob[0]));
    Call allowed = read();
    assertNull(step.check(allowed));
    assertTrue(allowed.decision().allowed());
    assertEquals(DenyCode.NO_MATCHING_PERMIT, step.check(call("tickets.close", Risk.LOW, true)).code());
  }

  @Test
  void obligationsMayPassOrDenyButNeverAllow() {
    Call c = read();
    c.decision(Decision.allow(List.of("ok"), List.of("reads"), null));
    assertNull(new ObligationsStep((r, t, a) -> null).check(c));
    Decision approval = Decision.deny(DenyCode.APPROVAL_REQUIRED, "a human must approve");
    assertSame(approval, new ObligationsStep((r, t, a) -> approval).check(c));
    assertEquals(DenyCode.EVALUATION_ERROR, new ObligationsStep((r, t, a) -> a).check(c).code());
  }

  @Test
  void auditAdmissionWritesAheadByTheDeclaredRisk() {
    AuditSink broken = event -> {
      throw new java.io.IOException("disk full");
    };
    InMemoryAuditSink memory = AuditSinks.inMemory();
    AuditPipeline audit = AuditPipeline.start(new AuditConfig(List.of(broken, memory), 1024, AuditOverflow.BLOCK,
        Duration.ZERO, Duration.ofMillis(200), null, 1000, Duration.ofMinutes(1), clock));
    try {
      AuditAdmissionStep step = new AuditAdmissionStep(audit, Risk.HIGH, Duration.ofMillis(100));
      Call low = read();
      low.decision(Decision.allow(List.of("ok"), List.of("reads"), null));
      assertNull(step.check(low), "below the write-ahead risk the record is only enqueued");
      Call high = call("tickets.read", Risk.HIGH, true);
      high.decision(Decision.allow(List.of("ok"), List.of("reads"), null));
      high.request(high.request().toBuilder().risk(Risk.LOW).build());
      assertEquals(DenyCode.AUDIT_UNAVAILABLE, step.check(high).code(),
          "the declared risk decides, not the request the call ended up with");
    } finally {
      audit.close();
    }
  }

  @Test
  void thePipelineRunsStepsInOrderStopsAtTheFirstDenyAndDeniesWhatThrows() {
    List<String> ran = new ArrayList<>();
    Decision stop = Decision.deny(DenyCode.FORBIDDEN, "stop");
    CallStep pass = c -> {
      ran.add("pass");
      return null;
    };
    CallStep deny = c -> {
      ran.add("deny");
      return stop;
    };
    CallStep never = c -> {
      ran.add("never");
      return null;
    };
    CallPipeline p = pipeline(List.of(pass, deny, never));
    assertSame(stop, p.decide(ToolRequest.builder("tickets.read").build(), true).decision());
    assertEquals(List.of("pass", "deny"), ran);

    CallStep throwing = c -> {
      throw new AssertionError("step bug");
    };
    assertEquals(DenyCode.EVALUATION_ERROR,
        pipeline(List.of(throwing)).decide(ToolRequest.builder("tickets.read").build(), true).decision().code());
  }

  @Test
  void aVirtualMachineErrorPropagatesAfterTheReservationWasGivenBack() {
    CallBudgets budgets = new CallBudgets(RateWindows.inMemory());
    LimitsStep limits = new LimitsStep(budgets);
    CallStep bind = c -> {
      c.enteredOn(task);
      task.enterCall();
      return null;
    };
    CallStep oom = c -> {
      throw new OutOfMemoryError("simulated");
    };
    CallPipeline p = pipeline(List.of(bind, limits, oom));
    for (int i = 0; i < 3; i++) {
      assertThrows(OutOfMemoryError.class, () -> p.decide(ToolRequest.builder("tickets.read").build(), true));
    }
    assertNull(budgets.check(policy.limitsFor("tickets.read", "agent-a"), task, 0, null),
        "the budgets taken before the error were given back");
  }

  private CallPipeline pipeline(List<CallStep> steps) {
    return new CallPipeline(steps, c -> null, clock, () -> policy, new DerivedAttributes(new Glob[0]), null,
        null);
  }

  @Test
  void derivedAttributesIgnoreForgedValuesAndFollowTheUrl() {
    DerivedAttributes derived = new DerivedAttributes(new Glob[] {Glob.compile("*.acme.example")});
    ToolRequest declared = derived.classify(ToolRequest.builder("http.post").risk(Risk.HIGH).action("send")
        .attribute("destination.url", "https://evil.example/x").build());
    assertEquals(true, declared.attribute("destination.external"));
    ToolRequest forged = declared.toBuilder().risk(Risk.LOW).action("read")
        .attribute("destination.external", false).attribute("destination.host", "api.acme.example")
        .attribute("resource.note", "added").build();
    ToolRequest seen = derived.afterInterceptor(declared, forged);
    assertEquals(Risk.HIGH, seen.risk());
    assertEquals("send", seen.action());
    assertEquals("evil.example", seen.attribute("destination.host"));
    assertEquals(true, seen.attribute("destination.external"));
    assertEquals("added", seen.attribute("resource.note"), "plain attributes may be added");
    ToolRequest moved = derived.afterInterceptor(declared, declared.toBuilder()
        .attribute("destination.url", "https://api.acme.example/y").build());
    assertEquals(false, moved.attribute("destination.external"));
    assertFalse(derived.afterInterceptor(declared, declared.toBuilder().attribute("destination.url", null)
        .build()).attributes().containsKey("destination.host"), "no URL, no derived host");
  }
}
