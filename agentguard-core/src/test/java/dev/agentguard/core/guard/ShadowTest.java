package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.SUPPORT_BOT;
import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// docs/security-cases.md #81
/** Shadow rules and the shadow policy set: recorded, never deciding (docs/policy-language.md, docs/audit.md). */
class ShadowTest {
  static final String LIVE = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: reads",
      "    effect: permit",
      "    tools: [\"tickets.*\"]",
      "  - id: would-block-vip",
      "    effect: forbid",
      "    mode: shadow",
      "    tools: [\"tickets.read\"]",
      "    when: resource.id.startsWith('VIP-')",
      "  - id: broken-shadow",
      "    effect: forbid",
      "    mode: shadow",
      "    tools: [\"tickets.read\"]",
      "    when: resource.missing == 1",
      "");

  static final String CANDIDATE = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: reads",
      "    effect: permit",
      "    tools: [\"tickets.*\", \"customers.read\"]",
      "  - id: no-vip",
      "    effect: forbid",
      "    tools: [\"tickets.read\"]",
      "    when: resource.id.startsWith('VIP-')",
      "");

  private static List<AuditEvent> decisions(List<AuditEvent> events) {
    return events.stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type())).collect(Collectors.toList());
  }

  @Test
  void aShadowForbidIsRecordedButNeverDenies() {
    try (GuardFixture f = new GuardFixture(PolicySet.parse(LIVE), b -> b); AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals("ticket VIP-7", f.tools.read("VIP-7"), "the shadow forbid would have blocked it; it ran");
      assertEquals("ticket T-1", f.tools.read("T-1"));
      assertEquals(2, f.impl.invocations.get());
      t.close();
      List<AuditEvent> d = decisions(f.drainedEvents());
      assertEquals(List.of("broken-shadow=error", "would-block-vip=match"), d.get(0).shadowRules());
      assertEquals("ALLOW", d.get(0).decision());
      assertEquals(List.of("broken-shadow=error", "would-block-vip=no-match"), d.get(1).shadowRules(),
          "a shadow rule that cannot be evaluated is a recorded result, never a deny");
      assertNull(d.get(0).shadowDecision(), "no shadow set is configured");
    }
  }

  @Test
  void aShadowRuleNeverTurnsADenyIntoAnAllow() {
    String doc = "version: 1\npolicies:\n  - id: lax\n    effect: permit\n    mode: shadow\n    tools: [\"**\"]\n";
    try (GuardFixture f = new GuardFixture(PolicySet.parse(doc), b -> b); AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals(DenyCode.NO_MATCHING_PERMIT, assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1")).code());
      assertEquals(0, f.impl.invocations.get());
      t.close();
      AuditEvent d = decisions(f.drainedEvents()).get(0);
      assertEquals("NO_MATCHING_PERMIT", d.code());
      assertEquals(List.of("lax=match"), d.shadowRules());
    }
  }

  @Test
  void shadowSetDisagreementsAreRecordedExactlyWhenTheDecisionsDiffer() {
    PolicySet live = PolicySet.parse(LIVE);
    PolicySet candidate = PolicySet.parse(CANDIDATE);
    List<ToolRequest> requests = new ArrayList<>();
    for (String tool : List.of("tickets.read", "tickets.tag", "customers.read", "http.post")) {
      for (String id : List.of("T-1", "VIP-1", "VIP-", "vip-2")) {
        requests.add(ToolRequest.builder(tool).attribute("resource.id", id).build());
      }
    }
    try (GuardFixture f = new GuardFixture(live, b -> b.shadowPolicy(candidate));
        AgentTask t = f.guard.startTask(allScopes())) {
      List<Boolean> expected = new ArrayList<>();
      for (ToolRequest r : requests) {
        Decision l = f.guard.check(r);
        Decision s = candidate.evaluate(SUPPORT_BOT, r, (TaskState) t, f.clock.millis());
        expected.add(l.allowed() != s.allowed() || l.code() != s.code());
      }
      assertTrue(expected.contains(true) && expected.contains(false), "the requests exercise both cases");
      t.close();
      List<AuditEvent> events = f.drainedEvents();
      List<AuditEvent> d = decisions(events);
      assertEquals(requests.size(), d.size());
      for (int i = 0; i < d.size(); i++) {
        AuditEvent e = d.get(i);
        assertEquals(expected.get(i), e.shadowDecision() != null, "request " + i + ": " + requests.get(i).tool()
            + " " + requests.get(i).attributes().get("resource.id"));
        if (e.shadowDecision() != null) {
          assertEquals(candidate.version(), e.shadowVersion());
          Decision s = candidate.evaluate(SUPPORT_BOT, requests.get(i), null, f.clock.millis());
          assertEquals(s.allowed() ? null : s.code().name(), e.shadowCode());
          assertEquals(s.policies(), e.shadowPolicies());
        } else {
          assertNull(e.shadowVersion());
          assertNull(e.shadowCode());
        }
      }
      assertEquals(expected.stream().filter(x -> x).count(), AuditLog.disagreements(events).size());
    }
  }

  @Test
  void aShadowSetThatThrowsIsRecordedAndTheLivePathGoesOn() {
    PolicySet exploding = new PolicySet() {
      @Override
      public String version() {
        return "sha256:" + "e".repeat(64);
      }

      @Override
      public String source() {
        return "exploding";
      }

      @Override
      public List<String> ruleIds() {
        return List.of();
      }

      @Override
      public Decision evaluate(AgentIdentity agent, ToolRequest request) {
        throw new IllegalStateException("boom");
      }

      @Override
      public Decision evaluate(AgentIdentity agent, ToolRequest request, TaskState task, long now) {
        throw new StackOverflowError();
      }

      @Override
      public List<PolicyLimit> limitsFor(String tool, String agentId) {
        return List.of();
      }
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(LIVE), b -> b.shadowPolicy(exploding));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals("ticket T-1", f.tools.read("T-1"));
      t.close();
      AuditEvent d = decisions(f.drainedEvents()).get(0);
      assertEquals("ALLOW", d.decision());
      assertTrue(d.shadowRules().contains("shadow-set=error"), d.shadowRules().toString());
      assertEquals(exploding.version(), d.shadowVersion());
    }
  }

  @Test
  void theShadowFileIsHotReloadedAndTheRecordsSurviveVerification(@TempDir Path dir) throws Exception {
    Path shadow = dir.resolve("candidate.yaml");
    Path trail = dir.resolve("audit.jsonl");
    Files.writeString(shadow, CANDIDATE, StandardCharsets.UTF_8);
    String v2doc = CANDIDATE.replace("startsWith('VIP-')", "startsWith('T-')");
    String v1 = PolicySet.parse(CANDIDATE).version();
    String v2 = PolicySet.parse(v2doc).version();
    InMemoryAuditSink live = AuditSinks.inMemory();
    ToolRequest vip = ToolRequest.builder("tickets.read").attribute("resource.id", "VIP-1").build();
    ToolRequest plain = ToolRequest.builder("tickets.read").attribute("resource.id", "T-1").build();
    try (AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(LIVE)).shadowPolicy(shadow)
        .policyPollInterval(Duration.ofMillis(50)).auditSink(AuditSinks.jsonLines(trail)).auditSink(live).build()) {
      try (AgentTask t = guard.startTask(allScopes())) {
        guard.check(vip); // v1 forbids VIP-*: a disagreement
        guard.check(plain); // v1 agrees
        Files.writeString(shadow, v2doc, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean reloaded = false;
        while (!reloaded && System.nanoTime() < deadline) { // bounded polling for the asynchronous reload
          guard.check(plain);
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
          reloaded = live.events().stream().anyMatch(e -> v2.equals(e.shadowVersion()));
        }
        assertTrue(reloaded, "the changed shadow file went live within 20 s");
      }
    }
    VerificationReport report = AuditLog.verify(trail);
    assertTrue(report.ok(), report.problem());
    List<AuditEvent> dis = AuditLog.disagreements(trail);
    AuditEvent first = dis.get(0);
    assertEquals("VIP-1", first.attributes().get("resource.id"));
    assertEquals(v1, first.shadowVersion());
    assertEquals("DENY", first.shadowDecision());
    assertEquals("FORBIDDEN", first.shadowCode());
    assertEquals(List.of("no-vip"), first.shadowPolicies());
    assertTrue(dis.stream().skip(1).allMatch(e -> v2.equals(e.shadowVersion()) && "T-1".equals(e.attributes().get("resource.id"))),
        "after the VIP-1 check only v2 disagreed (on T-1)");
  }

  @Test
  void theHashCoversTheShadowFields(@TempDir Path dir) throws Exception {
    Path trail = dir.resolve("audit.jsonl");
    try (AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(LIVE)).shadowPolicy(PolicySet.parse(CANDIDATE))
        .auditSink(AuditSinks.jsonLines(trail)).build(); AgentTask t = guard.startTask(allScopes())) {
      guard.check(ToolRequest.builder("tickets.read").attribute("resource.id", "VIP-1").build());
    }
    assertTrue(AuditLog.verify(trail).ok());
    String text = Files.readString(trail, StandardCharsets.UTF_8);
    for (String[] edit : List.of(new String[] {"\"shadowCode\":\"FORBIDDEN\"", "\"shadowCode\":\"NO_MATCHING_PERMIT\""},
        new String[] {"would-block-vip=match", "would-block-vip=no-match"},
        new String[] {"\"shadowPolicies\":[\"no-vip\"]", "\"shadowPolicies\":[\"reads\"]"})) {
      assertTrue(text.contains(edit[0]), edit[0] + " in " + text);
      Path tampered = dir.resolve("tampered-" + Math.abs(edit[0].hashCode()) + ".jsonl");
      Files.writeString(tampered, text.replace(edit[0], edit[1]), StandardCharsets.UTF_8);
      assertTrue(!AuditLog.verify(tampered).ok(), "a changed " + edit[0] + " is detected");
    }
  }
}
