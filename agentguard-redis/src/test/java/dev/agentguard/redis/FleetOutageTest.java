package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #49, #71, #72, #73
/**
 * The fleet view when Redis goes away: stale after the bound, denied with REVOCATION_UNAVAILABLE,
 * allowed again after reconnect and resync, and no revocation lost on the way.
 */
class FleetOutageTest {
  private static final Duration RECOVERY = Duration.ofSeconds(20);
  private static final Duration STALE_AFTER = Duration.ofSeconds(2);
  private static RedisTestServer redis;
  private final FakeClock clock = FakeClock.at("2026-12-01T10:00:00Z");

  @BeforeAll
  static void startRedis() {
    redis = RedisTestServer.start("user guard-b on >pw-guard-b ~agentguard:* &* +@all");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void runningAndEmpty() {
    redis.restart();
    try (RedisAdmin admin = new RedisAdmin(redis)) {
      admin.sync().flushall();
      admin.sync().aclSetuser("guard-b", io.lettuce.core.AclSetuserArgs.Builder.on());
    }
  }

  // docs/security-cases.md #49: a guard whose fleet view is stale denies; recovery is automatic
  @Test
  void killingRedisDeniesAfterTheBoundAndRestartingItAllowsAgainAfterResync() {
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock)) {
      AgentTask onA = a.start();
      AgentTask onB = b.start();
      AgentTask revokedDuringOutage = a.start();
      assertEquals("read 1", b.tools.read("1"));

      redis.kill();
      clock.advance(STALE_AFTER.plusMillis(1));
      Await.until(RECOVERY, "b's view goes stale", () -> b.fleet.revocationStore().isStale());
      int before = b.impl.invocations.get();
      AccessDeniedException stale = assertThrows(AccessDeniedException.class, () -> b.tools.read("2"));
      assertEquals(DenyCode.REVOCATION_UNAVAILABLE, stale.code());
      assertEquals(before, b.impl.invocations.get(), "the tool body ran on a stale view");
      assertEquals(dev.agentguard.CredentialException.Reason.REVOKED,
          assertThrows(dev.agentguard.CredentialException.class,
              () -> b.guard.verifyCredential(onB.credential().token())).reason(),
          "a token of a live task does not verify on a stale view either");

      // a revocation while Redis is down: enforced on the guard that made it at once, reported as not stored
      RedisFleetException notStored = assertThrows(RedisFleetException.class,
          () -> a.guard.revokeCredential(revokedDuringOutage.credential().id()));
      assertTrue(notStored.getMessage().contains("enforced on this guard"), notStored.getMessage());
      assertEquals(1, a.fleet.pendingRevocations());

      long subscriptionsBefore = ((RedisRevocationStore) b.fleet.revocationStore()).subscriptions();
      redis.restart();
      Await.until(RECOVERY, "b re-subscribes (which holds calls until the resync)",
          () -> ((RedisRevocationStore) b.fleet.revocationStore()).subscriptions() > subscriptionsBefore);
      Await.until(RECOVERY, "a and b resync after the restart",
          () -> !a.fleet.revocationStore().isStale() && !b.fleet.revocationStore().isStale());
      a.guard.currentTask(); // a's thread binding is the last started task: the one revoked during the outage
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> a.tools.read("x")).code(),
          "the revocation made while Redis was down holds on a");
      Await.until(RECOVERY, "a publishes the queued revocation", () -> a.fleet.pendingRevocations() == 0);
      Await.until(RECOVERY, "b applies it", () -> b.fleet.revocationStore()
          .isCredentialRevoked(revokedDuringOutage.credential().id()));
      assertEquals("read 3", b.tools.read("3"), "b allows again after reconnect and resync");
      assertTrue(onA.isOpen() && onB.isOpen());
      assertTrue(drained(b).stream().anyMatch(e -> AuditEvent.TOOL_DECISION.equals(e.type())
          && "REVOCATION_UNAVAILABLE".equals(e.code())));
    }
  }

  // docs/security-cases.md #49: a revocation made while a guard was disconnected is enforced when it
  // reconnects, before anything else is allowed
  @Test
  void aRevocationMadeWhileAGuardWasCutOffIsEnforcedBeforeItAllowsAnything() {
    try (FleetNode a = new FleetNode(redis, clock);
        FleetNode b = new FleetNode(redis, clock, f -> f.username("guard-b").password("pw-guard-b".toCharArray()),
            FleetNode.POLICY);
        RedisAdmin admin = new RedisAdmin(redis)) {
      AgentTask victim = b.start();
      assertEquals("read 1", b.tools.read("1"));
      // cut b off: its user is disabled and its connections killed, so it cannot reconnect
      admin.sync().aclSetuser("guard-b", io.lettuce.core.AclSetuserArgs.Builder.off());
      admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.user("guard-b"));
      a.guard.revokeCredential(victim.credential().id());
      clock.advance(STALE_AFTER.plusMillis(1));
      Await.until(RECOVERY, "b's view goes stale", () -> b.fleet.revocationStore().isStale());
      assertFalse(b.fleet.revocationStore().isCredentialRevoked(victim.credential().id()),
          "b cannot have heard of it: the message was published while it was cut off");

      admin.sync().aclSetuser("guard-b", io.lettuce.core.AclSetuserArgs.Builder.on());
      AtomicInteger allowedOnVictim = new AtomicInteger();
      long deadline = System.nanoTime() + RECOVERY.toNanos();
      while (b.fleet.revocationStore().isStale() && System.nanoTime() < deadline) {
        try {
          b.tools.read("victim");
          allowedOnVictim.incrementAndGet();
        } catch (AccessDeniedException e) {
          assertTrue(e.code() == DenyCode.REVOCATION_UNAVAILABLE || e.code() == DenyCode.CREDENTIAL_REVOKED,
              e.code().toString());
        }
      }
      assertFalse(b.fleet.revocationStore().isStale(), "b reconnected and resynchronised");
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> b.tools.read("victim")).code());
      assertEquals(0, allowedOnVictim.get(), "a call on the revoked credential was allowed after reconnect");
      assertEquals(1, b.impl.invocations.get());
      try (AgentTask fresh = b.start()) {
        assertEquals("read 2", b.tools.read("2"), "other credentials are allowed again");
      }
    }
  }

  // an agent revocation queued during an outage covers the tasks that existed when it was made, on
  // every guard, and not a task the revoking guard started afterwards (a new grant)
  @Test
  void anAgentRevocationQueuedDuringAnOutageDoesNotRevokeALaterTaskWhenItIsFinallyWritten() {
    dev.agentguard.AgentIdentity other = dev.agentguard.AgentIdentity.of("spiffe://acme.example/agent/other");
    try (FleetNode a = new FleetNode(redis, clock); FleetNode b = new FleetNode(redis, clock)) {
      AgentTask onB = b.guard.startTask(FleetNode.spec(other));
      redis.kill();
      assertThrows(RedisFleetException.class, () -> a.guard.revokeAgent(other.id()));
      AgentTask later = a.guard.startTask(FleetNode.spec(other));
      redis.restart();
      Await.until(RECOVERY, "a writes the queued revocation", () -> a.fleet.pendingRevocations() == 0);
      Await.until(RECOVERY, "b applies it", () -> !onB.isOpen());
      Await.until(RECOVERY, "a is current again", () -> !a.fleet.revocationStore().isStale());
      assertTrue(later.isOpen(), "the task a started after its own revocation is a new grant");
      assertEquals("read 1", a.tools.read("1"));
      later.close();
    }
  }

  @Test
  void aStoreThatDeniesFromHighKeepsLowRiskToolsRunningWhileStale() {
    try (FleetNode b = new FleetNode(redis, clock, f -> f.staleDeniesFrom(Risk.HIGH), FleetNode.POLICY)) {
      AgentTask task = b.start();
      redis.kill();
      clock.advance(STALE_AFTER.plusMillis(1));
      Await.until(RECOVERY, "stale", () -> b.fleet.revocationStore().isStale());
      assertEquals("read 1", b.tools.read("1"));
      assertEquals(DenyCode.REVOCATION_UNAVAILABLE,
          assertThrows(AccessDeniedException.class, () -> b.tools.transfer("1")).code());
      assertEquals(1, b.impl.invocations.get());
      task.close();
    }
  }

  // a rate-limited call is never allowed uncounted: a store that does not answer in time is LIMIT_EXCEEDED
  @Test
  void aRateStoreThatDoesNotAnswerInTimeDeniesLimitExceededNamingTheStore() {
    try (FleetNode b = new FleetNode(redis, clock, f -> f.commandTimeout(Duration.ofMillis(100)), FleetNode.POLICY);
        RedisAdmin admin = new RedisAdmin(redis)) {
      AgentTask task = b.start();
      assertEquals("limited 1", b.tools.limited("1"));
      admin.sync().clientPause(1500);
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> b.tools.limited("2"));
      assertEquals(DenyCode.LIMIT_EXCEEDED, e.code());
      String reason = String.join(" ", e.decision().reasons());
      assertTrue(reason.contains("redis 127.0.0.1:" + redis.port() + " namespace test"), reason);
      assertTrue(reason.contains("did not answer"), reason);
      assertEquals("read 1", b.tools.read("1"), "a call no rate limit covers never waits for Redis");
      assertEquals(2, b.impl.invocations.get());
      redis.kill();
      assertEquals(DenyCode.LIMIT_EXCEEDED,
          assertThrows(AccessDeniedException.class, () -> b.tools.limited("3")).code(), "refused is the same");
      assertEquals(2, b.impl.invocations.get());
      task.close();
    }
  }

  private static java.util.List<AuditEvent> drained(FleetNode n) {
    n.guard.close();
    return n.sink.events();
  }
}
