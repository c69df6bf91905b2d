package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.ApprovalAnswer;
import dev.agentguard.ApprovalHandler;
import dev.agentguard.ApprovalRequest;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.ApprovalQueue;
import dev.agentguard.core.Approvals;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #52, #78, #79, #80
/**
 * Human approval with a deadline ({@code approval: required}): docs/approvals.md. Every deny asserts
 * the tool body did not run and that the deny is recorded.
 */
class ApprovalTest {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: reads",
      "    effect: permit",
      "    tools: [\"tickets.*\"]",
      "  - id: post-needs-approval",
      "    effect: permit",
      "    approval: required",
      "    tools: [\"http.post\"]",
      "  - id: email-needs-approval",
      "    effect: permit",
      "    approval: required",
      "    tools: [\"email.send\"]",
      "  - id: email-plain",
      "    effect: permit",
      "    tools: [\"email.send\"]",
      "  - id: no-evil",
      "    effect: forbid",
      "    tools: [\"http.post\"]",
      "    when: destination.host == 'evil.example'",
      "");

  private static GuardFixture fixture(UnaryOperator<dev.agentguard.core.AgentGuard.Builder> b) {
    return new GuardFixture(PolicySet.parse(POLICY), b);
  }

  /** Runs a post on another thread under {@code task}; the future holds the result or the deny. */
  private static CompletableFuture<String> postAsync(GuardFixture f, AgentTask task, String url) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return task.wrap(() -> f.tools.post(url, "secret body")).call();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
  }

  private static AccessDeniedException denied(CompletableFuture<?> call) throws InterruptedException {
    try {
      call.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertTrue(e.getCause() instanceof AccessDeniedException, "denied, not failed: " + e.getCause());
      return (AccessDeniedException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call did not return within 30 s");
    }
    throw new AssertionError("the call was allowed");
  }

  private static ApprovalRequest next(ApprovalQueue q) throws InterruptedException {
    Optional<ApprovalRequest> r = q.awaitPending(Duration.ofSeconds(30));
    assertTrue(r.isPresent(), "an approval was requested");
    return r.get();
  }

  private static List<AuditEvent> ofType(List<AuditEvent> events, String type) {
    return events.stream().filter(e -> type.equals(e.type())).collect(Collectors.toList());
  }

  private static AuditEvent lastDecision(List<AuditEvent> events) {
    List<AuditEvent> d = ofType(events, AuditEvent.TOOL_DECISION);
    return d.get(d.size() - 1);
  }

  @Test
  void forbidBeatsAnApprovalRuleAndNobodyIsAsked() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://evil.example/x", "body"));
      assertEquals(DenyCode.FORBIDDEN, e.code());
      assertTrue(q.pending().isEmpty(), "nobody was asked to approve a forbidden call");
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals("FORBIDDEN", lastDecision(events).code());
      assertTrue(ofType(events, AuditEvent.APPROVAL_REQUESTED).isEmpty());
    }
  }

  @Test
  void approvalPermitsRankAbovePlainPermits() {
    AgentGuardDecision d = new AgentGuardDecision(PolicySet.parse(POLICY));
    assertEquals(DenyCode.APPROVAL_REQUIRED, d.of("email.send").code(),
        "email-plain matches too, but a matching approval rule still requires approval");
    assertEquals(List.of("email-needs-approval"), d.of("email.send").policies());
    assertEquals(DenyCode.NO_MATCHING_PERMIT, d.of("admin.drop").code(), "default deny holds");
    assertTrue(d.of("tickets.read").allowed());
  }

  /** A policy set evaluated on its own, without a guard. */
  private record AgentGuardDecision(PolicySet set) {
    Decision of(String tool) {
      return set.evaluate(GuardFixture.SUPPORT_BOT, ToolRequest.builder(tool).build());
    }
  }

  @Test
  void anApprovalForOneCallRunsThatCallOnlyAndIsRecordedBeforeTheDecision() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> call = postAsync(f, t, "https://api.acme.example/x");
      ApprovalRequest r = next(q);
      assertEquals("http.post", r.tool());
      assertEquals(t.id(), r.task());
      assertEquals("user:alice", r.onBehalfOf());
      assertEquals(List.of("post-needs-approval"), r.policies());
      String body = (String) r.attributes().get("redacted.body");
      assertNotNull(body, "the redacted body is there as a digest: " + r.attributes());
      assertTrue(body.startsWith("sha256:"), body);
      assertFalse(r.attributes().containsValue("secret body"));
      assertTrue(q.approve(r.id(), "user:bob"));
      assertEquals("posted", call.get(30, TimeUnit.SECONDS));
      assertEquals(1, f.impl.invocations.get());

      CompletableFuture<String> second = postAsync(f, t, "https://api.acme.example/y");
      ApprovalRequest r2 = next(q);
      assertTrue(q.refuse(r2.id(), "user:bob"));
      assertEquals(DenyCode.APPROVAL_DENIED, denied(second).code(), "a one-call approval covers one call");
      assertEquals(1, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      AuditEvent granted = ofType(events, AuditEvent.APPROVAL_GRANTED).get(0);
      assertEquals("user:bob", granted.attributes().get("approval.approver"));
      assertEquals(r.id(), granted.attributes().get("approval.id"));
      AuditEvent allow = ofType(events, AuditEvent.TOOL_DECISION).get(0);
      assertEquals("ALLOW", allow.decision());
      assertEquals(granted.id(), allow.parent(), "the decision links to the approval it ran on");
      assertEquals(ofType(events, AuditEvent.APPROVAL_REQUESTED).get(0).id(), granted.parent());
      assertTrue(allow.reasons().contains("approved by user:bob"), allow.reasons().toString());
      assertEquals("APPROVAL_DENIED", lastDecision(events).code());
    }
  }

  @Test
  void anApprovalForThreeCallsCoversExactlyThreeCallsOfThatToolInThatTask() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> first = postAsync(f, t, "https://api.acme.example/1");
      assertTrue(q.approve(next(q).id(), 3, "user:bob"));
      assertEquals("posted", first.get(30, TimeUnit.SECONDS));
      f.tools.post("https://api.acme.example/2", "b");
      f.tools.post("https://api.acme.example/3", "b");
      assertEquals(3, f.impl.invocations.get());
      assertTrue(q.pending().isEmpty(), "calls 2 and 3 asked nobody");
      assertThrows(AccessDeniedException.class, () -> f.tools.post("https://evil.example/4", "b"),
          "the policy still decides a covered call: a forbid denies");
      CompletableFuture<String> fourth = postAsync(f, t, "https://api.acme.example/4");
      assertTrue(q.refuse(next(q).id(), "user:bob"));
      assertEquals(DenyCode.APPROVAL_DENIED, denied(fourth).code());
      assertEquals(3, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(2, ofType(events, AuditEvent.APPROVAL_REQUESTED).size());
      assertEquals(3L, ofType(events, AuditEvent.APPROVAL_GRANTED).get(0).attributes().get("approval.calls"));
    }
  }

  @Test
  void aMultiCallApprovalNeverCrossesIntoAnotherTask() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q).approvalTimeout(Duration.ofMinutes(1)))) {
      AgentTask t1 = f.guard.startTask(allScopes());
      CompletableFuture<String> first = postAsync(f, t1, "https://api.acme.example/1");
      assertTrue(q.approve(next(q).id(), 5, "user:bob"));
      first.get(30, TimeUnit.SECONDS);
      t1.close();
      AgentTask t2 = f.guard.startTask(allScopes());
      CompletableFuture<String> other = postAsync(f, t2, "https://api.acme.example/2");
      ApprovalRequest r = next(q);
      assertEquals(t2.id(), r.task(), "the new task needs its own approval");
      assertTrue(q.refuse(r.id(), "user:bob"));
      assertEquals(DenyCode.APPROVAL_DENIED, denied(other).code());
      assertEquals(1, f.impl.invocations.get());
      t2.close();
      assertEquals("APPROVAL_DENIED", lastDecision(f.drainedEvents()).code());
    }
  }

  @Test
  void aRefusalDeniesApprovalDeniedAndTheModelLearnsWhoRefused() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> call = postAsync(f, t, "https://api.acme.example/x");
      assertTrue(q.refuse(next(q).id(), "user:carol"));
      AccessDeniedException e = denied(call);
      assertEquals(DenyCode.APPROVAL_DENIED, e.code());
      assertEquals("DENIED APPROVAL_DENIED: approval was requested and refused by user:carol; do not retry this call",
          DenialText.of(e.decision()));
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals("user:carol", ofType(events, AuditEvent.APPROVAL_DENIED).get(0).attributes().get("approval.approver"));
      assertEquals("APPROVAL_DENIED", lastDecision(events).code());
    }
  }

  @Test
  void anApproverNameIsBoundedAndItsInvisibleCharactersEscaped() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> call = postAsync(f, t, "https://api.acme.example/x");
      assertTrue(q.refuse(next(q).id(), "bob\u202Eevil\u200B\n" + "x".repeat(500)));
      String text = DenialText.of(denied(call).decision());
      assertTrue(text.contains("bobU+202EevilU+200BU+000A"), text);
      assertFalse(text.contains("\u202E") || text.contains("\n"), text);
      assertTrue(text.length() < 300, "bounded: " + text.length());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      String kept = (String) ofType(events, AuditEvent.APPROVAL_DENIED).get(0).attributes().get("approval.approver");
      assertTrue(kept.startsWith("bobU+202EevilU+200BU+000Axxx") && kept.endsWith("...") && kept.length() < 200, kept);
      assertEquals("APPROVAL_DENIED", lastDecision(events).code());
    }
  }

  @Test
  void noAnswerByTheDeadlineDeniesApprovalRequiredAndALateAnswerChangesNothing() throws Exception { // docs/security-cases.md #52
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q).approvalTimeout(Duration.ofMinutes(1)));
        AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> call = postAsync(f, t, "https://api.acme.example/x");
      ApprovalRequest r = next(q);
      assertEquals(f.clock.instant().plus(Duration.ofMinutes(1)), r.deadline());
      f.clock.advance(Duration.ofMinutes(2));
      AccessDeniedException e = denied(call);
      assertEquals(DenyCode.APPROVAL_REQUIRED, e.code());
      assertEquals("DENIED APPROVAL_REQUIRED: approval was requested but not given in time",
          DenialText.of(e.decision()));
      assertFalse(q.approve(r.id(), "user:late"), "the request was withdrawn at the deadline");
      assertTrue(q.pending().isEmpty());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(1, ofType(events, AuditEvent.APPROVAL_EXPIRED).size());
      assertTrue(ofType(events, AuditEvent.APPROVAL_GRANTED).isEmpty());
      assertEquals("APPROVAL_REQUIRED", lastDecision(events).code());
    }
  }

  @Test
  void anAnswerThatArrivesAfterTheDeadlineIsNotAnApproval() throws Exception { // docs/security-cases.md #52
    GuardFixture[] self = new GuardFixture[1];
    ApprovalHandler late = r -> {
      self[0].clock.advance(Duration.ofMinutes(5)); // the human took five minutes
      return CompletableFuture.completedFuture(ApprovalAnswer.approve("user:slow"));
    };
    try (GuardFixture f = fixture(b -> b.approvals(late).approvalTimeout(Duration.ofMinutes(1)));
        AgentTask t = f.guard.startTask(allScopes())) {
      self[0] = f;
      assertEquals(DenyCode.APPROVAL_REQUIRED,
          assertThrows(AccessDeniedException.class, () -> f.tools.post("https://api.acme.example/x", "b")).code());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(List.of("the answer arrived after the deadline"),
          ofType(events, AuditEvent.APPROVAL_EXPIRED).get(0).reasons());
      assertEquals("APPROVAL_REQUIRED", lastDecision(events).code());
    }
  }

  @Test
  void aHandlerThatThrowsFailsOrAnswersNothingDeniesApprovalRequired() { // docs/security-cases.md #52
    List<ApprovalHandler> broken = List.of(
        r -> {
          throw new IllegalStateException("approval service down");
        },
        r -> CompletableFuture.failedFuture(new java.io.IOException("chat unreachable")),
        r -> null,
        r -> CompletableFuture.completedFuture(null));
    for (ApprovalHandler h : broken) {
      try (GuardFixture f = fixture(b -> b.approvals(h)); AgentTask t = f.guard.startTask(allScopes())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
            () -> f.tools.post("https://api.acme.example/x", "b"));
        assertEquals(DenyCode.APPROVAL_REQUIRED, e.code());
        assertEquals(0, f.impl.invocations.get());
        t.close();
        List<AuditEvent> events = f.drainedEvents();
        assertEquals(1, ofType(events, AuditEvent.APPROVAL_EXPIRED).size());
        assertEquals("APPROVAL_REQUIRED", lastDecision(events).code());
      }
    }
  }

  @Test
  void aHandlerThatNeverAnswersHoldsTheCallerOnlyUntilTheTimeout() { // docs/security-cases.md #52
    ApprovalHandler silent = r -> new CompletableFuture<>();
    try (GuardFixture f = fixture(b -> b.approvals(silent).approvalTimeout(Duration.ofMillis(300)));
        AgentTask t = f.guard.startTask(allScopes())) {
      long start = System.nanoTime();
      assertEquals(DenyCode.APPROVAL_REQUIRED,
          assertThrows(AccessDeniedException.class, () -> f.tools.post("https://api.acme.example/x", "b")).code());
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 250 && ms < 10_000, "waited " + ms + " ms for a 300 ms timeout (fake clock standing still)");
      assertEquals(0, f.impl.invocations.get());
      t.close();
      assertEquals("APPROVAL_REQUIRED", lastDecision(f.drainedEvents()).code());
    }
  }

  @Test
  void aHandlerThatBlocksCannotHoldTheCallerPastTheDeadline() {
    ApprovalHandler blocking = r -> {
      try {
        Thread.sleep(60_000); // a broken handler that blocks instead of returning a stage
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(ApprovalAnswer.approve("user:never"));
    };
    try (GuardFixture f = fixture(b -> b.approvals(blocking).approvalTimeout(Duration.ofMillis(200)));
        AgentTask t = f.guard.startTask(allScopes())) {
      long start = System.nanoTime();
      assertEquals(DenyCode.APPROVAL_REQUIRED,
          assertThrows(AccessDeniedException.class, () -> f.tools.post("https://api.acme.example/x", "b")).code());
      assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
      assertEquals(0, f.impl.invocations.get());
      t.close();
      assertEquals("APPROVAL_REQUIRED", lastDecision(f.drainedEvents()).code());
    }
  }

  @Test
  void revokingTheTaskWakesTheWaiterAndDenies() throws Exception { // docs/security-cases.md #52
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> call = postAsync(f, t, "https://api.acme.example/x");
      ApprovalRequest r = next(q);
      long start = System.nanoTime();
      f.guard.revokeTask(t.id());
      AccessDeniedException e = denied(call);
      assertEquals(DenyCode.CREDENTIAL_REVOKED, e.code());
      assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "woken, not left to time out (2 min)");
      assertFalse(q.approve(r.id(), "user:bob"), "the request was withdrawn");
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(1, ofType(events, AuditEvent.APPROVAL_EXPIRED).size());
      assertTrue(events.stream().anyMatch(ev -> AuditEvent.TOOL_DECISION.equals(ev.type())
          && "CREDENTIAL_REVOKED".equals(ev.code())));
    }
  }

  @Test
  void revocationCancelsARemainingMultiCallApproval() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> first = postAsync(f, t, "https://api.acme.example/1");
      assertTrue(q.approve(next(q).id(), 10, "user:bob"));
      first.get(30, TimeUnit.SECONDS);
      f.guard.revokeCredential(t.credential().id());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> f.tools.post("https://api.acme.example/2", "b")).code());
      assertEquals(1, f.impl.invocations.get());
      t.close();
      assertEquals("CREDENTIAL_REVOKED", lastDecision(f.drainedEvents()).code());
    }
  }

  @Test
  void withoutAHandlerACallThatNeedsApprovalIsDenied() {
    try (GuardFixture f = fixture(b -> b); AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://api.acme.example/x", "b"));
      assertEquals(DenyCode.APPROVAL_REQUIRED, e.code());
      assertTrue(e.decision().reasons().get(0).contains("no approval handler is configured"), e.decision().reasons().toString());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      assertEquals("APPROVAL_REQUIRED", lastDecision(f.drainedEvents()).code());
    }
  }

  @Test
  void aDryRunAsksNobody() {
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = fixture(b -> b.approvals(q)); AgentTask t = f.guard.startTask(allScopes())) {
      Decision d = f.guard.check(ToolRequest.builder("http.post").attribute("destination.url", "https://a.acme.example")
          .build());
      assertEquals(DenyCode.APPROVAL_REQUIRED, d.code());
      assertTrue(q.pending().isEmpty());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals("APPROVAL_REQUIRED", lastDecision(events).code());
      assertTrue(ofType(events, AuditEvent.APPROVAL_REQUESTED).isEmpty());
    }
  }

  @Test
  void aUserObligationStillRunsOnAnApprovedCall() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    dev.agentguard.core.spi.ObligationStep secondFactor =
        (request, task, allow) -> Decision.deny(DenyCode.APPROVAL_DENIED, "second factor missing");
    try (GuardFixture f = fixture(b -> b.approvals(q).obligations(secondFactor));
        AgentTask t = f.guard.startTask(allScopes())) {
      CompletableFuture<String> call = postAsync(f, t, "https://api.acme.example/x");
      assertTrue(q.approve(next(q).id(), "user:bob"));
      AccessDeniedException e = denied(call);
      assertEquals(List.of("second factor missing"), e.decision().reasons());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(1, ofType(events, AuditEvent.APPROVAL_GRANTED).size());
      assertEquals(List.of("second factor missing"), lastDecision(events).reasons());
    }
  }

  @Test
  void anInterceptorCannotForgeAnApprovableDeny() {
    ApprovalQueue q = Approvals.inMemory();
    dev.agentguard.ToolInterceptor forger = chain -> Decision.deny(DenyCode.APPROVAL_REQUIRED,
        List.of("permitted by reads once approved"), List.of("reads"), null);
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.approvals(q).interceptor(forger));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals(DenyCode.APPROVAL_REQUIRED,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1")).code());
      assertTrue(q.pending().isEmpty(), "only the policy's own APPROVAL_REQUIRED is put to a human");
      assertEquals(0, f.impl.invocations.get());
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      assertEquals("APPROVAL_REQUIRED", lastDecision(events).code());
      assertTrue(ofType(events, AuditEvent.APPROVAL_REQUESTED).isEmpty());
    }
  }

  @Test
  void aHundredConcurrentApprovalsEachRunTheirOwnCall() throws Exception {
    ApprovalQueue q = Approvals.inMemory();
    int n = 100;
    try (GuardFixture f = fixture(b -> b.approvals(q))) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
      try {
        List<CompletableFuture<String>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
          int k = i;
          calls.add(CompletableFuture.supplyAsync(() -> {
            try (AgentTask t = f.guard.startTask(allScopes())) {
              return f.tools.post("https://api.acme.example/" + k, "b");
            }
          }, pool));
        }
        for (int i = 0; i < n; i++) {
          ApprovalRequest r = next(q);
          assertTrue(q.approve(r.id(), "user:bob"), "request " + i + " approved");
        }
        for (CompletableFuture<String> c : calls) {
          assertEquals("posted", c.get(60, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(n, f.impl.invocations.get());
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(n, ofType(events, AuditEvent.APPROVAL_GRANTED).size());
      assertEquals(n, events.stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type())
          && "ALLOW".equals(e.decision())).count());
    }
  }
}
