package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  static final AgentIdentity BOT = AgentIdentity.of("spiffe://acme.example/agent/support-bot");
  static final AgentIdentity OTHER = AgentIdentity.of("spiffe://acme.example/agent/billing");
  static final long NOW = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

  static final String DOC = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-read",
      "    description: Support agents read tickets up to internal data",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"tickets.read\", \"tickets.search\"]",
      "    when: resource.sensitivity <= 'internal' && context.environment == 'prod'",
      "    expires: 2027-01-31T00:00:00Z",
      "  - id: no-exfiltration",
      "    effect: forbid",
      "    tools: [\"http.*\", \"email.send\"]",
      "    when: destination.external && task.maxSensitivity >= 'confidential'",
      "  - id: email",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-bot\"]",
      "    tools: [\"email.send\", \"http.post\"]",
      "limits:",
      "  - id: email-budget",
      "    tools: [\"email.send\"]",
      "    maxCallsPerTask: 3",
      "  - id: bot-rate",
      "    tools: [\"**\"]",
      "    agents: [\"*support-bot\", \"spiffe://acme.example/agent/support-bot\"]",
      "    maxCallsPerMinute: 60",
      "");

  static final String JSON = "{\"version\":1,\"policies\":["
      + "{\"id\":\"email\",\"effect\":\"permit\",\"agents\":[\"spiffe://acme.example/agent/support-bot\"],\"tools\":[\"email.send\",\"http.post\"]},"
      + "{\"id\":\"no-exfiltration\",\"effect\":\"forbid\",\"tools\":[\"http.*\",\"email.send\"],"
      + "\"when\":\"destination.external && task.maxSensitivity >= 'confidential'\"},"
      + "{\"id\":\"support-read\",\"description\":\"Support agents read tickets up to internal data\",\"effect\":\"permit\","
      + "\"agents\":[\"spiffe://acme.example/agent/support-*\"],\"tools\":[\"tickets.read\",\"tickets.search\"],"
      + "\"when\":\"resource.sensitivity <= 'internal' && context.environment == 'prod'\",\"expires\":\"2027-01-31T00:00:00.000Z\"}],"
      + "\"limits\":[{\"id\":\"bot-rate\",\"tools\":[\"**\"],\"agents\":[\"*support-bot\",\"spiffe://acme.example/agent/support-bot\"],"
      + "\"maxCallsPerMinute\":60},{\"id\":\"email-budget\",\"tools\":[\"email.send\"],\"maxCallsPerTask\":3}]}";

  static ToolRequest read(String sensitivity) {
    return ToolRequest.builder("tickets.read").action("read").attribute("resource.id", "T-1")
        .attribute("resource.sensitivity", sensitivity).attribute("context.environment", "prod").build();
  }

  static ToolRequest post(boolean external) {
    return ToolRequest.builder("http.post").attribute("destination.url", "https://x.example/")
        .attribute("destination.external", external).build();
  }

  @Test
  void decisionConventions() {
    PolicySet set = PolicySet.parse(DOC, "support.yaml");
    assertEquals("support.yaml", set.source());
    assertTrue(set.version().matches("sha256:[0-9a-f]{64}"));
    assertEquals(List.of("support-read", "no-exfiltration", "email"), set.ruleIds());

    Decision allow = set.evaluate(BOT, read("internal"), TestTask.basic(), NOW);
    assertEquals(Decision.allow(List.of("permitted by support-read"), List.of("support-read"), set.version()), allow);
    assertSame(allow, set.evaluate(BOT, read("public"), TestTask.basic(), NOW), "precomputed");

    Decision none = set.evaluate(BOT, read("confidential"), TestTask.basic(), NOW);
    assertEquals(Decision.deny(DenyCode.NO_MATCHING_PERMIT, List.of("no permit rule matched"), List.of(), set.version()), none);

    Decision forbid = set.evaluate(BOT, post(true), TestTask.basic(), NOW);
    assertEquals(Decision.deny(DenyCode.FORBIDDEN, List.of("forbidden by no-exfiltration"), List.of("no-exfiltration"),
        set.version()), forbid);

    assertTrue(set.evaluate(BOT, post(false), TestTask.basic(), NOW).allowed());
    assertFalse(set.evaluate(OTHER, post(false), TestTask.basic(), NOW).allowed());

    Decision err = set.evaluate(BOT, post(true), null, NOW); // no task: task.maxSensitivity is missing
    assertEquals(DenyCode.EVALUATION_ERROR, err.code());
    assertEquals(List.of("no-exfiltration"), err.policies());
    assertEquals(List.of("forbid no-exfiltration could not be evaluated: task.maxSensitivity is missing or null"),
        err.reasons());
    // ...unless the forbid is false anyway (Kleene): destination.external is false
    assertTrue(set.evaluate(BOT, post(false), null, NOW).allowed());
  }

  @Test
  void expiredRulesNeverMatch() {
    PolicySet set = PolicySet.parse(DOC);
    long expiry = Instant.parse("2027-01-31T00:00:00Z").toEpochMilli();
    assertTrue(set.evaluate(BOT, read("internal"), null, expiry - 1).allowed());
    assertEquals(DenyCode.NO_MATCHING_PERMIT, set.evaluate(BOT, read("internal"), null, expiry).code());
    String forbidExpired = "version: 1\npolicies:\n  - {id: f, effect: forbid, tools: [x], expires: '2020-01-01T00:00:00Z'}\n"
        + "  - {id: p, effect: permit, tools: [x]}\n";
    assertTrue(PolicySet.parse(forbidExpired).evaluate(BOT, ToolRequest.builder("x").build()).allowed());
  }

  @Test
  void yamlAndJsonGiveTheSameVersionAndDecisions() {
    PolicySet y = PolicySet.parse(DOC);
    PolicySet j = PolicySet.parse(JSON);
    assertEquals(y.version(), j.version());
    for (ToolRequest r : List.of(read("internal"), read("restricted"), post(true), post(false))) {
      for (AgentIdentity a : List.of(BOT, OTHER)) {
        Decision dy = y.evaluate(a, r, TestTask.basic(), NOW);
        Decision dj = j.evaluate(a, r, TestTask.basic(), NOW);
        assertEquals(dy, dj);
      }
    }
    // the canonical form is itself a valid document with the same version
    PolicySet c = PolicySet.parse(y.canonicalDocument());
    assertEquals(y.version(), c.version());
    assertEquals(y.canonicalDocument(), c.canonicalDocument());
    // a different policy has a different version
    assertFalse(y.version().equals(PolicySet.parse(DOC.replace("maxCallsPerTask: 3", "maxCallsPerTask: 4")).version()));
  }

  @Test
  void forbidOverridesPermitAndTheSmallestIdIsReported() {
    String doc = "version: 1\npolicies:\n"
        + "  - {id: z-permit, effect: permit, tools: [t]}\n"
        + "  - {id: b-forbid, effect: forbid, tools: [t]}\n"
        + "  - {id: a-forbid, effect: forbid, tools: [\"*\"], agents: [\"**\"]}\n"
        + "  - {id: a-permit, effect: permit, tools: [t], agents: [\"" + BOT.id() + "\"]}\n";
    Decision d = PolicySet.parse(doc).evaluate(BOT, ToolRequest.builder("t").build());
    assertEquals(List.of("a-forbid"), d.policies());
    String permits = "version: 1\npolicies:\n"
        + "  - {id: m, effect: permit, tools: [t]}\n"
        + "  - {id: c, effect: permit, tools: [\"t*\"], agents: [\"spiffe://**\"]}\n"
        + "  - {id: k, effect: permit, tools: [t], agents: [\"" + BOT.id() + "\"]}\n";
    assertEquals(List.of("c"), PolicySet.parse(permits).evaluate(BOT, ToolRequest.builder("t").build()).policies());
  }

  @Test
  void erroredForbidWithSmallerIdWinsOverMatchingForbid() {
    String doc = "version: 1\npolicies:\n"
        + "  - {id: a, effect: forbid, tools: [t], when: resource.missing == 1}\n"
        + "  - {id: b, effect: forbid, tools: [t]}\n";
    Decision d = PolicySet.parse(doc).evaluate(BOT, ToolRequest.builder("t").build());
    assertEquals(DenyCode.EVALUATION_ERROR, d.code());
    assertEquals(List.of("a"), d.policies());
  }

  @Test
  void permitErrorsAreListedInIdOrder() {
    String doc = "version: 1\npolicies:\n"
        + "  - {id: p2, effect: permit, tools: [t], when: resource.b == 1}\n"
        + "  - {id: p1, effect: permit, tools: [\"**\"], when: resource.a == 1}\n"
        + "  - {id: p3, effect: permit, tools: [t], when: resource.c == 1, agents: [\"**\"]}\n"
        + "  - {id: p0, effect: permit, tools: [t], when: \"false\"}\n";
    Decision d = PolicySet.parse(doc).evaluate(BOT, ToolRequest.builder("t").build());
    assertEquals(List.of("no permit rule matched",
        "permit p1 could not be evaluated: resource.a is missing or null",
        "permit p2 could not be evaluated: resource.b is missing or null",
        "permit p3 could not be evaluated: resource.c is missing or null"), d.reasons());
  }

  @Test
  void limitsFor() {
    PolicySet set = PolicySet.parse(DOC);
    List<PolicyLimit> l = set.limitsFor("email.send", BOT.id());
    assertEquals(List.of("bot-rate", "email-budget"), l.stream().map(PolicyLimit::id).toList());
    assertEquals(-1, l.get(0).maxCallsPerTask());
    assertEquals(60, l.get(0).maxCallsPerMinute());
    assertEquals(3, l.get(1).maxCallsPerTask());
    assertEquals(List.of("email-budget"), set.limitsFor("email.send", OTHER.id()).stream().map(PolicyLimit::id).toList());
    assertEquals(List.of(), set.limitsFor("tickets.read", OTHER.id()));
    assertThrows(UnsupportedOperationException.class, () -> set.limitsFor("email.send", BOT.id()).clear());
    assertSame(set.limitsFor("email.send", OTHER.id()).getClass(), set.limitsFor("email.send", OTHER.id()).getClass());
    assertEquals(List.of(), PolicySet.parse("version: 1\npolicies: []\n").limitsFor("x", "y"));
  }

  @Test
  void defaultDenyWithNoRules() {
    Decision d = PolicySet.parse("version: 1\npolicies: []\n").evaluate(BOT, ToolRequest.builder("x").build());
    assertEquals(DenyCode.NO_MATCHING_PERMIT, d.code());
    assertNull(null);
  }

  @Test
  void manyUnknownToolNamesDoNotBreakTheBoundedCache() {
    PolicySet set = PolicySet.parse("version: 1\npolicies:\n  - {id: p, effect: permit, tools: [\"t.*\"]}\n");
    for (int i = 0; i < 10_000; i++) {
      assertEquals(i % 2 == 0, set.evaluate(BOT, ToolRequest.builder((i % 2 == 0 ? "t." : "u.") + i).build()).allowed());
    }
    assertTrue(set.evaluate(BOT, ToolRequest.builder("t.again").build()).allowed());
  }

  @Test
  void largeIndexedPolicy() {
    StringBuilder sb = new StringBuilder("version: 1\npolicies:\n");
    for (int i = 0; i < 2000; i++) {
      sb.append("  - id: r").append(i).append("\n    effect: permit\n    agents: [\"agent-").append(i / 2)
          .append("\"]\n    tools: [\"t").append(i % 16).append("\", \"t").append((i + 1) % 16).append("\", \"t")
          .append((i + 2) % 16).append("\"]\n    when: resource.sensitivity <= '")
          .append(i % 3 == 0 ? "internal" : "confidential").append("' && context.environment == 'prod'\n");
    }
    sb.append("  - id: fb\n    effect: forbid\n    tools: [\"t3\"]\n    when: \"!(destination.host in ['a.example', 'b.example', 'c.example', 'd.example'])\"\n");
    PolicySet set = PolicySet.parse(sb.toString());
    AgentIdentity a = AgentIdentity.of("agent-10"); // rules r20, r21
    ToolRequest ok = ToolRequest.builder("t4").sensitivity(Sensitivity.CONFIDENTIAL).attribute("context.environment", "prod").build();
    // r20: tools t4..t6 up to confidential; r21: tools t5..t7 up to internal
    assertEquals(List.of("r20"), set.evaluate(a, ok).policies());
    ToolRequest t7 = ToolRequest.builder("t7").sensitivity(Sensitivity.CONFIDENTIAL).attribute("context.environment", "prod").build();
    assertEquals(DenyCode.NO_MATCHING_PERMIT, set.evaluate(a, t7).code());
    assertEquals(List.of("r21"), set.evaluate(a, ToolRequest.builder("t7").attribute("context.environment", "prod").build()).policies());
    assertEquals(List.of("r20"), set.evaluate(a, ToolRequest.builder("t5").attribute("context.environment", "prod").build()).policies());
    ToolRequest t3 = ToolRequest.builder("t3").attribute("destination.host", "evil.example").attribute("context.environment", "prod").build();
    assertEquals(DenyCode.FORBIDDEN, set.evaluate(AgentIdentity.of("agent-1"), t3).code());
    assertEquals(DenyCode.EVALUATION_ERROR, set.evaluate(a, ToolRequest.builder("t3").build()).code());
  }

  @Test
  void twoArgumentEvaluateUsesTheSystemClockForExpiry() {
    // docs/security-cases.md #100
    String doc = "version: 1\npolicies:\n"
        + "  - {id: old, effect: permit, tools: [a], expires: '2001-01-01T00:00:00Z'}\n"
        + "  - {id: new, effect: permit, tools: [b], expires: '2999-01-01T00:00:00Z'}\n";
    PolicySet set = PolicySet.parse(doc);
    assertFalse(set.evaluate(BOT, ToolRequest.builder("a").build()).allowed());
    assertTrue(set.evaluate(BOT, ToolRequest.builder("b").build()).allowed());
  }

  @Test
  void twoArgumentEvaluateReadsTheSystemClockForATimeCondition() {
    // docs/security-cases.md #100: evaluate(agent, request) reads the clock only when a rule needs
    // the time; a forbid on the current hour and weekday must see the real time, not a skipped read
    // (epoch 0 is hour 0 of a Thursday, so only in that one hour of the week could a skipped read
    // pass this test unnoticed)
    for (int attempt = 0; attempt < 3; attempt++) {
      long now = System.currentTimeMillis();
      long hour = Math.floorMod(Math.floorDiv(now, 3_600_000L), 24L);
      long dayOfWeek = java.time.Instant.ofEpochMilli(now).atZone(java.time.ZoneOffset.UTC).getDayOfWeek().getValue();
      String doc = "version: 1\npolicies:\n"
          + "  - {id: all, effect: permit, tools: [a]}\n"
          + "  - {id: now, effect: forbid, tools: [a], when: \"time.hour == " + hour
          + " && time.dayOfWeek == " + dayOfWeek + "\"}\n";
      Decision d = PolicySet.parse(doc).evaluate(BOT, ToolRequest.builder("a").build());
      if (Math.floorDiv(System.currentTimeMillis(), 3_600_000L) != Math.floorDiv(now, 3_600_000L)) {
        continue; // the hour turned while deciding: try again
      }
      assertFalse(d.allowed(), "the forbid for this very hour must match");
      assertEquals(List.of("now"), d.policies());
      return;
    }
    throw new AssertionError("the hour kept turning");
  }

  @Test
  void concurrentFirstUseGivesTheSameDecisions() throws Exception {
    StringBuilder sb = new StringBuilder("version: 1\npolicies:\n");
    for (int i = 0; i < 200; i++) {
      sb.append("  - {id: r").append(i).append(", effect: ").append(i % 7 == 0 ? "forbid" : "permit")
          .append(", tools: [\"t").append(i % 20).append(".*\"], agents: [\"a").append(i % 10).append("*\"]")
          .append(", when: \"resource.n != ").append(i % 3).append("\"}\n");
    }
    String doc = sb.toString();
    PolicySet reference = PolicySet.parse(doc);
    PolicySet shared = PolicySet.parse(doc);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<List<String>>> futures = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        futures.add(pool.submit(() -> {
          List<String> problems = new java.util.ArrayList<>();
          for (int i = 0; i < 2000; i++) {
            AgentIdentity a = AgentIdentity.of("a" + (i % 13) + "-x");
            ToolRequest r = ToolRequest.builder("t" + (i % 23) + ".op").attribute("resource.n", (long) (i % 4)).build();
            Decision d = shared.evaluate(a, r, null, NOW);
            // the reference set is used from this thread only after its caches were filled the same way
            Decision e;
            synchronized (reference) {
              e = reference.evaluate(a, r, null, NOW);
            }
            if (!d.equals(e)) {
              problems.add(d + " vs " + e);
            }
          }
          return problems;
        }));
      }
      for (java.util.concurrent.Future<List<String>> f : futures) {
        assertEquals(List.of(), f.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
