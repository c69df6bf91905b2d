package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static dev.agentguard.core.guard.GuardFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.CredentialClaims;
import dev.agentguard.CredentialException;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialLifecycleTest {

  @Test
  void deniesOnceTheCredentialExpires() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      f.tools.read("T-1");
      f.clock.advance(Duration.ofMinutes(5).minusMillis(1));
      f.tools.read("T-1");
      f.clock.advance(Duration.ofMillis(1));
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.CREDENTIAL_EXPIRED, e.code());
      assertEquals(2, f.impl.invocations.get());
    }
  }

  @Test
  void ttlIsCappedByTheGuardMaximum() {
    try (GuardFixture f = new GuardFixture(b -> b.maxTaskTtl(Duration.ofMinutes(2)));
        AgentTask task = f.guard.startTask(dev.agentguard.TaskSpec.builder(GuardFixture.SUPPORT_BOT)
            .scopes("tickets.*").ttl(Duration.ofHours(8)).build())) {
      assertEquals(Duration.ofMinutes(2),
          Duration.between(task.credential().issuedAt(), task.credential().expiresAt()));
    }
  }

  @Test
  void revokeTaskIsImmediate() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      f.tools.read("T-1");
      f.guard.revokeTask(task.id());
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.CREDENTIAL_REVOKED, e.code());
      assertFalse(task.isOpen());
    }
  }

  @Test
  void revokeCredentialIsImmediate() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      f.guard.revokeCredential(task.credential().id());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1")).code());
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void revokeAgentRevokesEveryTaskOfTheAgentButNotLaterOnes() {
    try (GuardFixture f = new GuardFixture()) {
      AgentTask first = f.guard.startTask(allScopes());
      AgentTask second = f.guard.startTask(allScopes());
      f.guard.revokeAgent(GuardFixture.SUPPORT_BOT.id());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1")).code());
      assertFalse(first.isOpen());
      assertFalse(second.isOpen());
      second.close();
      first.close();
      try (AgentTask fresh = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-1", f.tools.read("T-1"));
      }
    }
  }

  @Test
  void verifyCredentialAcceptsALiveTokenAndRejectsItOnceRevokedEvenAfterACacheHit() {
    try (GuardFixture f = new GuardFixture()) {
      AgentTask task = f.guard.startTask(allScopes());
      String token = task.credential().token();
      CredentialClaims claims = f.guard.verifyCredential(token);
      assertEquals(task.id(), claims.taskId());
      assertEquals(GuardFixture.SUPPORT_BOT.id(), claims.subject());
      assertEquals(task.credential().scopes(), claims.scopes());
      assertEquals("user:alice", claims.onBehalfOf());
      f.guard.verifyCredential(token);
      f.guard.revokeAgent(GuardFixture.SUPPORT_BOT.id());
      CredentialException e = assertThrows(CredentialException.class, () -> f.guard.verifyCredential(token));
      assertEquals(CredentialException.Reason.REVOKED, e.reason());
      task.close();
    }
  }

  @Test
  void verifyCredentialRejectsTheTokenOfAClosedTask() {
    try (GuardFixture f = new GuardFixture()) {
      AgentTask task = f.guard.startTask(allScopes());
      String token = task.credential().token();
      f.guard.verifyCredential(token);
      task.close();
      assertEquals(CredentialException.Reason.REVOKED,
          assertThrows(CredentialException.class, () -> f.guard.verifyCredential(token)).reason());
    }
  }

  @Test
  void verifyCredentialRejectsAnExpiredToken() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      f.clock.advance(Duration.ofMinutes(6));
      assertEquals(CredentialException.Reason.EXPIRED,
          assertThrows(CredentialException.class,
              () -> f.guard.verifyCredential(task.credential().token())).reason());
    }
  }

  @Test
  void expiredTasksNobodyClosedAreClosedAndRecorded() {
    try (GuardFixture f = new GuardFixture()) {
      for (int i = 0; i < 1_100; i++) {
        f.guard.startTask(GuardFixture.spec().scopes("tickets.*").build());
      }
      f.clock.advance(Duration.ofMinutes(6));
      for (int i = 0; i < 300; i++) {
        f.guard.startTask(GuardFixture.spec().scopes("tickets.*").build()).close();
      }
      String marker = f.guard.startTask(GuardFixture.spec().scopes("tickets.*").build()).id();
      java.util.List<dev.agentguard.AuditEvent> events = f.drainedEvents();
      long markerSeq = events.stream().filter(e -> marker.equals(e.task())
          && dev.agentguard.AuditEvent.TASK_STARTED.equals(e.type())).findFirst().orElseThrow().seq();
      long completedBefore = events.stream().filter(e -> e.seq() < markerSeq
          && dev.agentguard.AuditEvent.TASK_COMPLETED.equals(e.type())).count();
      assertEquals(1_100 + 300, completedBefore, "the 1,100 expired tasks were closed before guard.close()");
    }
  }

  @Test
  void credentialToStringHidesTheToken() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      assertFalse(task.credential().toString().contains(task.credential().token()));
      assertTrue(f.guard.publicJwks().contains("Ed25519"));
    }
  }

  @Test
  void elevatedTierDeniesOldCredentialsAndTasksWithoutPrincipal() {
    try (GuardFixture f = new GuardFixture(b -> b.elevatedRisk(Risk.HIGH)
        .elevatedMaxCredentialAge(Duration.ofMinutes(1)).elevatedRequiresPrincipal(true))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("posted", f.tools.post("https://api.acme.example/x", "b"));
        f.tools.read("T-1");
        f.clock.advance(Duration.ofSeconds(61));
        assertEquals("ticket T-1", f.tools.read("T-1"), "LOW risk is not elevated");
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
            () -> f.tools.post("https://api.acme.example/x", "b"));
        assertEquals(DenyCode.CREDENTIAL_EXPIRED, e.code());
        assertTrue(e.decision().reasons().get(0).contains("risk tier"));
      }
      try (AgentTask anonymous = f.guard.startTask(dev.agentguard.TaskSpec.builder(GuardFixture.SUPPORT_BOT)
          .context("environment", "prod").scopes("http.post").build())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
            () -> f.tools.post("https://api.acme.example/x", "b"));
        assertEquals(DenyCode.FORBIDDEN, e.code());
        assertEquals(List.of(), e.decision().policies());
      }
    }
  }
}
