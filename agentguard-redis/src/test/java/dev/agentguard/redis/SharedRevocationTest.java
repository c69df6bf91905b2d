package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.CredentialException;
import dev.agentguard.DenyCode;
import dev.agentguard.test.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #49, #70, #74
/** Revocations made on one guard reach every guard of the fleet; two guards in one JVM, separate connections. */
class SharedRevocationTest {
  private static final Duration DELIVERY = Duration.ofSeconds(5);
  private static RedisTestServer redis;
  private final FakeClock clock = FakeClock.at("2026-12-01T10:00:00Z");

  @BeforeAll
  static void startRedis() {
    // the least-privilege ACL user docs/fleet.md gives, for namespace "test"
    redis = RedisTestServer.start("user agentguard-test on >pw-acl-test resetkeys resetchannels"
        + " ~agentguard:{test}:* &agentguard:{test}:revocations -@all +eval +evalsha +ping +hello +auth"
        + " +client|setname +client|id +select +subscribe +publish +get +incr +decr +del +pexpire +time"
        + " +zadd +zrem +zscore +zrange +zrangebyscore +zremrangebyscore +hget +hgetall +hset +hsetnx +hdel");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void emptyRedis() {
    try (RedisAdmin admin = new RedisAdmin(redis)) {
      admin.sync().flushall();
    }
  }

  // docs/security-cases.md #49: a revocation on one guard is enforced by every guard
  @Test
  void aCredentialRevokedOnOneGuardIsDeniedOnAnother() {
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock)) {
      AgentTask task = b.start();
      assertEquals("read 1", b.tools.read("1"));
      a.guard.revokeCredential(task.credential().id());
      Await.until(DELIVERY, "b applies the revocation", () -> b.fleet.revocationStore()
          .isCredentialRevoked(task.credential().id()));
      // the store applies the revocation, then its listener records it: wait for the record too, or
      // a close right after could refuse it
      awaitRecorded(b, "revoked by credential id on " + a.guard.instanceId());
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> b.tools.read("2"));
      assertEquals(DenyCode.CREDENTIAL_REVOKED, e.code());
      assertEquals(1, b.impl.invocations.get(), "the tool body ran after the revocation");
      assertFalse(task.isOpen());
      List<AuditEvent> onB = drained(b);
      assertTrue(onB.stream().anyMatch(ev -> AuditEvent.CREDENTIAL_REVOKED.equals(ev.type())
          && ev.reasons().contains("revoked by credential id on " + a.guard.instanceId())), onB.toString());
      assertTrue(onB.stream().anyMatch(ev -> AuditEvent.TOOL_DECISION.equals(ev.type())
          && "CREDENTIAL_REVOKED".equals(ev.code())));
      assertTrue(drained(a).stream().anyMatch(ev -> AuditEvent.CREDENTIAL_REVOKED.equals(ev.type())
          && ev.reasons().contains("revoked by credential id")), "the revoking guard records it too");
    }
  }

  @Test
  void aTaskRevokedOnOneGuardIsDeniedOnAnother() {
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock)) {
      AgentTask task = b.start();
      a.guard.revokeTask(task.id());
      Await.until(DELIVERY, "b applies the revocation", () -> !task.isOpen());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> b.tools.read("1")).code());
      assertEquals(0, b.impl.invocations.get());
    }
  }

  @Test
  void anAgentRevokedOnOneGuardCanUseNoTaskItStartedAnywhereBeforeTheRevocation() {
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock);
        FleetNode c = new FleetNode(redis, clock)) {
      AgentTask onB = b.start();
      AgentTask onC = c.start();
      AgentTask onA = a.start();
      a.guard.revokeAgent(FleetNode.BOT.id());
      assertThrows(AccessDeniedException.class, () -> a.tools.read("a"));
      Await.until(DELIVERY, "b and c apply the agent revocation", () -> !onB.isOpen() && !onC.isOpen());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> b.tools.read("b")).code());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> c.tools.transfer("c")).code());
      assertEquals(0, a.impl.invocations.get() + b.impl.invocations.get() + c.impl.invocations.get());
      assertFalse(onA.isOpen());
      // b records the tasks the revocation hit once its listener ran, which can be after the task
      // already reads as revoked: wait for onB's record before closing onB (a task closed first is no
      // longer live there, and the revocation is then recorded for the agent, without the task)
      String reason = "revoked by agent id on " + a.guard.instanceId();
      Await.until(DELIVERY, "b records the revocation for onB", () -> b.sink.events().stream()
          .anyMatch(ev -> AuditEvent.CREDENTIAL_REVOKED.equals(ev.type()) && onB.id().equals(ev.task())
              && ev.reasons().contains(reason)));
      // the clock never moved: every task above was issued in the same millisecond as the revocation,
      // and is still covered (the revocation count, not the time, decides)
      onB.close();
      try (AgentTask fresh = b.start()) {
        assertEquals("read later", b.tools.read("later"), "a task started after the revocation is a new grant");
      }
      assertTrue(drained(b).stream().anyMatch(ev -> AuditEvent.CREDENTIAL_REVOKED.equals(ev.type())
          && onB.id().equals(ev.task()) && ev.reasons().contains(reason)), "still there after the close");
    }
  }

  @Test
  void aRevocationSurvivesAGuardRestart() {
    String token;
    String agentToken;
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock)) {
      AgentTask task = b.start();
      token = task.credential().token();
      AgentTask other = b.guard.startTask(FleetNode.spec(dev.agentguard.AgentIdentity.of(
          "spiffe://acme.example/agent/other")));
      agentToken = other.credential().token();
      a.guard.revokeCredential(task.credential().id());
      a.guard.revokeAgent("spiffe://acme.example/agent/other");
    }
    clock.advance(Duration.ofSeconds(1));
    // a guard started afterwards (a restart: new connections, empty mirror) reads both on its resync
    try (FleetNode restarted = new FleetNode(redis, clock)) {
      assertEquals(CredentialException.Reason.REVOKED,
          assertThrows(CredentialException.class, () -> restarted.guard.verifyCredential(token)).reason());
      assertEquals(CredentialException.Reason.REVOKED,
          assertThrows(CredentialException.class, () -> restarted.guard.verifyCredential(agentToken)).reason());
    }
  }

  @Test
  void idsWithSeparatorsAndUnicodeTravelIntact() {
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock)) {
      String odd = "cred|with|pipes\nand\u2028lines|ä";
      a.guard.revokeCredential(odd);
      Await.until(DELIVERY, "b applies it", () -> b.fleet.revocationStore().isCredentialRevoked(odd));
      assertFalse(b.fleet.revocationStore().isCredentialRevoked("cred"));
    }
  }

  @Test
  void noTokenOrSecretIsStoredInRedis() {
    try (FleetNode a = new FleetNode(redis, clock); RedisAdmin admin = new RedisAdmin(redis)) {
      AgentTask task = a.start();
      a.guard.revokeTask(task.id());
      a.guard.revokeAgent(FleetNode.BOT.id());
      String token = task.credential().token();
      for (String key : admin.sync().keys("*")) {
        assertTrue(key.startsWith("agentguard:{test}:"), key);
        String dump = switch (admin.sync().type(key)) {
          case "zset" -> admin.sync().zrange(key, 0, -1).toString();
          case "hash" -> admin.sync().hgetall(key).toString();
          default -> String.valueOf(admin.sync().get(key));
        };
        assertFalse(dump.contains(token), key);
        assertFalse(dump.contains(token.substring(token.lastIndexOf('.') + 1)), "signature in " + key);
      }
    }
  }

  @Test
  void aGuardRunsWithTheDocumentedLeastPrivilegeAclUserAndCannotReachAnotherFleet() {
    java.util.function.UnaryOperator<RedisFleet.Builder> acl =
        f -> f.username("agentguard-test").password("pw-acl-test".toCharArray());
    try (FleetNode a = new FleetNode(redis, clock, acl, FleetNode.POLICY);
        FleetNode b = new FleetNode(redis, clock, acl, FleetNode.POLICY)) {
      AgentTask task = b.start();
      assertEquals("limited 1", b.tools.limited("1"), "the rate script runs under the ACL");
      a.guard.revokeAgent(FleetNode.BOT.id());
      Await.until(DELIVERY, "b applies it", () -> !task.isOpen());
      assertEquals(2, a.fleet.view().members().size());
      assertFalse(b.fleet.revocationStore().isStale());
    }
    RedisFleetException e = assertThrows(RedisFleetException.class, () -> RedisFleet.builder()
        .uri(redis.uri().toString()).namespace("other").username("agentguard-test")
        .password("pw-acl-test".toCharArray()).build());
    assertTrue(e.getMessage().contains("NOPERM") || e.getMessage().contains("permission"), e.getMessage());
    assertFalse(e.getMessage().contains("pw-acl-test"));
  }

  /** Waits until {@code n}'s trail holds a {@code credential.revoked} with {@code reason}. */
  private static void awaitRecorded(FleetNode n, String reason) {
    Await.until(DELIVERY, "the credential.revoked record: " + reason, () -> n.sink.events().stream()
        .anyMatch(ev -> AuditEvent.CREDENTIAL_REVOKED.equals(ev.type()) && ev.reasons().contains(reason)));
  }

  private static List<AuditEvent> drained(FleetNode n) {
    n.guard.close();
    return n.sink.events();
  }
}
