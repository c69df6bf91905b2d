package dev.agentguard.core.guard;

import dev.agentguard.core.TestClock;
import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static dev.agentguard.core.guard.GuardFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolInvocationException;
import dev.agentguard.ToolRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardedCallTest {

  @Test
  void allowsAReadInScopeAndRecordsDecisionAndOutcome() {
    try (GuardFixture f = new GuardFixture()) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-1", f.tools.read("T-1"));
        assertEquals(1, task.calls());
        assertEquals("tickets.read", task.lastTool());
      }
      List<AuditEvent> events = f.drainedEvents();
      // since 0.2.0 a call below the write-ahead risk is one record: the decision carries the outcome
      assertEquals(List.of("audit.opened", "policy.loaded", "task.started", "tool.decision",
          "credential.revoked", "task.completed", "audit.closed"), GuardFixture.types(events));
      AuditEvent decision = events.get(3);
      assertEquals("ALLOW", decision.decision());
      assertEquals(List.of("support-read"), decision.policies());
      assertEquals("T-1", decision.attributes().get("resource.id"));
      assertTrue(decision.policyVersion().startsWith("sha256:"));
      assertEquals(events.get(1).policyVersion(), decision.policyVersion());
      assertEquals("success", decision.outcome());
      assertTrue(decision.durationMicros() >= 0);
    }
  }

  @Test
  void forbidsExternalDestinationAfterConfidentialDataWasRead() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      assertEquals("posted", f.tools.post("https://api.acme.example/hook", "hello"));
      assertEquals("posted", f.tools.post("https://partner.example/hook", "hello"));
      f.tools.customer("C-9");
      assertEquals(Sensitivity.CONFIDENTIAL, task.maxSensitivity());
      assertEquals("posted", f.tools.post("https://api.acme.example/hook", "hello"), "internal stays allowed");
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://partner.example/hook", "customer data"));
      assertEquals(DenyCode.FORBIDDEN, e.code());
      assertEquals(List.of("no-exfiltration"), e.decision().policies());
      assertEquals(4, f.impl.invocations.get());
    }
  }

  @Test
  void deniesOutOfScopeToolWithoutInvokingIt() {
    try (GuardFixture f = new GuardFixture();
        AgentTask task = f.guard.startTask(spec().scopes("tickets.*").build())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.customer("C-1"));
      assertEquals(DenyCode.OUT_OF_SCOPE, e.code());
      assertTrue(e.decision().reasons().get(0).contains("customers.read"), e.decision().reasons().toString());
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void deniesWhenNoPermitMatches() {
    try (GuardFixture f = new GuardFixture();
        AgentTask task = f.guard.startTask(dev.agentguard.TaskSpec.builder(
            dev.agentguard.AgentIdentity.of("spiffe://acme.example/agent/billing-bot"))
            .context("environment", "prod").scopes("tickets.*").build())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.NO_MATCHING_PERMIT, e.code());
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void enforcesThePerTaskBudgetFromPolicyLimits() {
    try (GuardFixture f = new GuardFixture()) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        for (int i = 0; i < 3; i++) {
          f.tools.email("bob@acme.example", "s3cret-token");
        }
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
            () -> f.tools.email("bob@acme.example", "s3cret-token"));
        assertEquals(DenyCode.LIMIT_EXCEEDED, e.code());
        assertEquals(List.of("email-budget"), e.decision().policies());
        assertEquals(3, f.impl.invocations.get());
      }
      try (AgentTask next = f.guard.startTask(allScopes())) {
        f.tools.email("bob@acme.example", "s3cret-token");
        assertEquals(4, f.impl.invocations.get(), "the budget is per task");
      }
    }
  }

  @Test
  void enforcesThePerAgentRateAcrossTasksAndResetsItInTheNextMinute() {
    String policy = String.join("\n",
        "version: 1",
        "policies:",
        "  - id: all",
        "    effect: permit",
        "    tools: [\"**\"]",
        "limits:",
        "  - id: read-rate",
        "    tools: [\"tickets.*\"]",
        "    maxCallsPerMinute: 2",
        "");
    try (GuardFixture f = new GuardFixture(dev.agentguard.core.PolicySet.parse(policy), b -> b)) {
      try (AgentTask first = f.guard.startTask(allScopes())) {
        f.tools.read("T-1");
      }
      try (AgentTask second = f.guard.startTask(allScopes())) {
        f.tools.read("T-2");
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-3"));
        assertEquals(DenyCode.LIMIT_EXCEEDED, e.code(), "the rate is per agent, across its tasks");
        assertEquals(List.of("read-rate"), e.decision().policies());
        f.clock.advance(java.time.Duration.ofSeconds(60));
        assertEquals("ticket T-3", f.tools.read("T-3"));
      }
      try (AgentTask other = f.guard.startTask(dev.agentguard.TaskSpec.builder(
          dev.agentguard.AgentIdentity.of("spiffe://acme.example/agent/other-bot")).scopes("tickets.*").build())) {
        f.tools.read("T-4");
        f.tools.read("T-5");
      }
      assertEquals(5, f.impl.invocations.get());
    }
  }

  @Test
  void deniesWithPolicyUnavailableWhenNoPolicyIsLoaded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    java.nio.file.Path file = dir.resolve("policy.yaml");
    java.nio.file.Files.writeString(file, "version: 1\npolicies: [ this is not valid");
    TestClock clock = TestClock.at("2026-11-28T10:00:00Z");
    SupportTools.Impl impl = new SupportTools.Impl();
    try (dev.agentguard.core.AgentGuard guard = dev.agentguard.core.AgentGuard.builder()
        // since 0.2.0 an invalid policy file fails build() unless the guard is told to start without one
        .policy(file).allowStartWithoutPolicy().clock(clock).auditSink(dev.agentguard.core.AuditSinks.inMemory())
        .build()) {
      SupportTools tools = guard.protect(SupportTools.class, impl);
      try (AgentTask task = guard.startTask(allScopes())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.read("T-1"));
        assertEquals(DenyCode.POLICY_UNAVAILABLE, e.code());
      }
      assertTrue(guard.policyVersion().isEmpty());
    }
    assertEquals(0, impl.invocations.get());
  }

  @Test
  void frozenSnapshotIsWhatIsDecidedAndAudited() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      List<String> tags = new ArrayList<>(List.of("billing"));
      // the tool mutates the caller's list while it runs: the decision and record keep the snapshot
      SupportTools mutating = f.guard.protect(SupportTools.class, new SupportTools.Impl() {
        @Override
        public int tag(List<String> t) {
          t.add("secret");
          return t.size();
        }
      });
      assertEquals(2, mutating.tag(tags));
      List<AuditEvent> events = f.drainedEvents();
      AuditEvent decision = events.stream().filter(e -> "tool.decision".equals(e.type())).findFirst().orElseThrow();
      assertEquals(List.of("billing"), decision.attributes().get("resource.tags"));
      // one record since 0.2.0: the decision that holds the frozen attributes also holds the outcome,
      // written after the body ran, and still says what was decided, not what the body made of it
      assertEquals("success", decision.outcome());
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.tag(List.of("secret")));
      assertEquals(DenyCode.AUDIT_UNAVAILABLE, e.code(), "guard is closed now");
    }
  }

  @Test
  void forbidSeesTheListValue() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.tag(List.of("a", "secret")));
      assertEquals(DenyCode.FORBIDDEN, e.code());
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void checkIsADryRunThatIsAudited() {
    try (GuardFixture f = new GuardFixture()) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        ToolRequest request = ToolRequest.builder("email.send").action("send").risk(Risk.MEDIUM)
            .attribute("resource.to", "x@acme.example").build();
        for (int i = 0; i < 5; i++) {
          assertTrue(f.guard.check(request).allowed(), "check does not consume the budget");
        }
        assertEquals(0, task.calls());
        Decision d = f.guard.check(ToolRequest.builder("files.delete").build());
        assertFalse(d.allowed());
        assertEquals(DenyCode.OUT_OF_SCOPE, d.code());
      }
      long decisions = f.drainedEvents().stream().filter(e -> "tool.decision".equals(e.type())).count();
      assertEquals(6, decisions);
    }
  }

  @Test
  void callRunsAllowedActionsAndWrapsCheckedExceptions() {
    try (GuardFixture f = new GuardFixture()) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        ToolRequest read = ToolRequest.builder("tickets.search").action("read").risk(Risk.LOW).build();
        assertEquals("found", f.guard.call(read, () -> "found"));
        ToolInvocationException e = assertThrows(ToolInvocationException.class,
            () -> f.guard.call(read, () -> {
              throw new IOException("disk on fire");
            }));
        assertTrue(e.getCause() instanceof IOException);
        IllegalStateException ise = assertThrows(IllegalStateException.class,
            () -> f.guard.call(read, () -> {
              throw new IllegalStateException("boom");
            }));
        assertEquals("boom", ise.getMessage());
        AccessDeniedException denied = assertThrows(AccessDeniedException.class,
            () -> f.guard.call(ToolRequest.builder("db.drop").build(), () -> "never"));
        assertEquals(DenyCode.OUT_OF_SCOPE, denied.code());
      }
      List<AuditEvent> completed = f.drainedEvents().stream() // one record per call since 0.2.0
          .filter(e -> "tool.decision".equals(e.type()) && e.outcome() != null).toList();
      assertEquals(List.of("success", "failure", "failure"),
          completed.stream().map(AuditEvent::outcome).toList());
      assertEquals("java.io.IOException", completed.get(1).error());
    }
  }

  @Test
  void redactedArgumentsAndTokensNeverReachTheSink() {
    String token;
    List<AuditEvent> events;
    try (GuardFixture f = new GuardFixture()) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        token = task.credential().token();
        f.tools.post("https://api.acme.example/hook", "BODY-SECRET-42");
        f.tools.email("bob@acme.example", "TOKEN-SECRET-77");
      }
      events = f.drainedEvents();
    }
    String all = events.toString() + events.stream().map(e -> e.attributes().toString() + e.reasons()
        + e.credential() + e.error()).reduce("", String::concat);
    assertFalse(all.contains("BODY-SECRET-42"));
    assertFalse(all.contains("TOKEN-SECRET-77"));
    assertFalse(all.contains(token));
    AuditEvent email = events.stream()
        .filter(e -> "tool.decision".equals(e.type()) && "email.send".equals(e.tool())).findFirst().orElseThrow();
    assertTrue(String.valueOf(email.attributes().get("resource.token")).startsWith("sha256:"));
    AuditEvent post = events.stream()
        .filter(e -> "tool.decision".equals(e.type()) && "http.post".equals(e.tool())).findFirst().orElseThrow();
    assertTrue(String.valueOf(post.attributes().get("redacted.body")).startsWith("sha256:"));
    assertEquals(Boolean.FALSE, post.attributes().get("destination.external"));
    assertEquals("api.acme.example", post.attributes().get("destination.host"));
  }

  @Test
  void callsAfterCloseAreDeniedAndNoTaskStarts() {
    GuardFixture f = new GuardFixture();
    AgentTask task = f.guard.startTask(allScopes());
    f.guard.close();
    assertFalse(task.isOpen());
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
    assertEquals(DenyCode.AUDIT_UNAVAILABLE, e.code());
    assertThrows(dev.agentguard.AgentGuardException.class, () -> f.guard.startTask(allScopes()));
    assertEquals(0, f.impl.invocations.get());
    assertNull(f.guard.currentTask().orElse(null));
  }
}
