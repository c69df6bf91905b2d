package dev.agentguard.core.identity;

import dev.agentguard.core.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.CredentialClaims;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TrustBundle;
import org.junit.jupiter.api.Test;

/** The guard's verified-agent tier: HIGH tools refuse agents whose workload identity was not proven. */
class VerifiedAgentTierTest {
  private static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: bots-may-post",
      "    effect: permit",
      "    tools: [\"http.post\", \"tickets.read\", \"crm.export\"]",
      "  - id: verified-only-for-exports",
      "    effect: forbid",
      "    tools: [\"crm.export\"]",
      "    when: '!agent.verified'",
      "");

  @Test
  void highRiskToolsDenyUnverifiedAgentsAndTheCredentialRecordsTheProof() {
    TestClock clock = new TestClock(JwtSvidTest.NOW);
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (SvidVerifier svids = SvidVerifier.builder()
            .trustBundle(TrustBundle.parse(Pki.bundle(JwtSvidTest.TD, Pki.jwtJwk("ec256", Pki.P256.getPublic()))))
            .audience(JwtSvidTest.AUD).clock(clock).build();
        AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(POLICY)).clock(clock).auditSink(sink)
            .elevatedRisk(Risk.HIGH).elevatedRequiresVerifiedAgent(true).build()) {
      AgentIdentity proven = svids.verifyJwtSvid(JwtSvidTest.valid());
      assertTrue(proven.verified());
      AgentIdentity claimed = AgentIdentity.of(JwtSvidTest.AGENT);
      ToolRequest post = ToolRequest.builder("http.post").risk(Risk.HIGH).build();
      ToolRequest read = ToolRequest.builder("tickets.read").risk(Risk.LOW).build();
      ToolRequest export = ToolRequest.builder("crm.export").risk(Risk.MEDIUM).build();

      try (AgentTask task = guard.startTask(TaskSpec.builder(claimed).scopes("**").build())) {
        assertTrue(guard.check(read).allowed(), "LOW risk is outside the tier");
        assertEquals(DenyCode.AGENT_UNVERIFIED, guard.check(post).code());
        assertEquals(DenyCode.FORBIDDEN, guard.check(export).code(), "policies can require agent.verified");
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> guard.call(post, () -> "sent"));
        assertEquals(DenyCode.AGENT_UNVERIFIED, e.code());
      }
      try (AgentTask task = guard.startTask(TaskSpec.builder(proven).scopes("**").build())) {
        assertEquals("sent", guard.call(post, () -> "sent"));
        assertTrue(guard.check(export).allowed());
        CredentialClaims claims = guard.verifyCredential(task.credential().token());
        assertEquals("jwt-svid", claims.agentProof());
      }
    }
    AuditEvent started = sink.events().stream().filter(e -> AuditEvent.TASK_STARTED.equals(e.type()))
        .reduce((a, b) -> b).orElseThrow();
    assertEquals(Boolean.TRUE, started.attributes().get("agent.verified"));
    assertEquals("jwt-svid", started.attributes().get("agent.proof"));
  }
}
