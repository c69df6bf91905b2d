package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.core.PolicySet;
import dev.agentguard.test.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every guard registers itself; the view shows who runs which policy version and who is behind. */
class FleetRegistryTest {
  private static RedisTestServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisTestServer.start("requirepass fleet-pw-1234");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static RedisFleet.Builder auth(RedisFleet.Builder b) {
    return b.password("fleet-pw-1234".toCharArray());
  }

  @Test
  void theViewListsEveryGuardAndFlagsTheOnesNotOnTheNewestPolicy() {
    FakeClock clock = FakeClock.at("2026-12-01T10:00:00Z");
    String newer = FleetNode.POLICY.replace("maxCallsPerMinute: 40", "maxCallsPerMinute: 30");
    try (FleetNode old1 = new FleetNode(redis, clock, FleetRegistryTest::auth, FleetNode.POLICY)) {
      Await.until(Duration.ofSeconds(5), "the first version is registered first",
          () -> old1.fleet.view().members().size() == 1);
      try (FleetNode updated = new FleetNode(redis, clock, FleetRegistryTest::auth, newer)) {
        FleetView view = updated.fleet.view();
        assertEquals(2, view.members().size(), view.toString());
        assertEquals(PolicySet.parse(newer).version(), view.newestPolicyVersion().orElseThrow());
        List<FleetMember> outdated = view.outdated();
        assertEquals(1, outdated.size());
        assertEquals(old1.guard.instanceId(), outdated.get(0).instanceId());
        assertEquals(PolicySet.parse(FleetNode.POLICY).version(), outdated.get(0).policyVersion().orElseThrow());
        FleetMember me = view.members().stream().filter(m -> m.instanceId().equals(updated.guard.instanceId()))
            .findFirst().orElseThrow();
        assertFalse(me.outdated());
        assertEquals("healthy", me.auditHealth());
        assertFalse(me.host().isEmpty());
        // a guard restarted on the old version does not make the old version "newest"
        try (FleetNode restartedOld = new FleetNode(redis, clock, FleetRegistryTest::auth, FleetNode.POLICY)) {
          assertEquals(PolicySet.parse(newer).version(), restartedOld.fleet.view().newestPolicyVersion().orElseThrow());
          assertEquals(2, restartedOld.fleet.view().outdated().size());
        }
      }
    }
  }

  @Test
  void aClosedFleetConnectionDeregistersItsGuard() {
    FakeClock clock = FakeClock.at("2026-12-01T10:00:00Z");
    try (FleetNode stays = new FleetNode(redis, clock, FleetRegistryTest::auth, FleetNode.POLICY)) {
      FleetNode leaves = new FleetNode(redis, clock, FleetRegistryTest::auth, FleetNode.POLICY);
      String gone = leaves.guard.instanceId();
      assertTrue(stays.fleet.view().members().stream().anyMatch(m -> m.instanceId().equals(gone)));
      leaves.close();
      assertFalse(stays.fleet.view().members().stream().anyMatch(m -> m.instanceId().equals(gone)));
    }
  }

  // no secrets in toString, logs or exceptions
  @Test
  void thePasswordIsNeverShown() {
    RedisFleet.Builder b = RedisFleet.builder().uri("redis://127.0.0.1:" + redis.port())
        .password("wrong-pw-5678".toCharArray());
    assertFalse(b.toString().contains("wrong-pw-5678"), b.toString());
    RedisFleetException e = assertThrows(RedisFleetException.class, b::build);
    assertFalse(String.valueOf(e.getMessage()).contains("wrong-pw-5678"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + redis.port()), e.getMessage());
    RedisFleet.Builder inUri = RedisFleet.builder().uri("redis://:wrong-pw-5678@127.0.0.1:" + redis.port());
    assertFalse(inUri.toString().contains("wrong-pw-5678"), inUri.toString());
    RedisFleetException e2 = assertThrows(RedisFleetException.class, inUri::build);
    assertFalse(e2.getMessage().contains("wrong-pw-5678"), e2.getMessage());
    try (RedisFleet ok = auth(RedisFleet.builder().uri("redis://127.0.0.1:" + redis.port())).build()) {
      assertFalse(ok.toString().contains("fleet-pw-1234"), ok.toString());
      assertFalse(ok.revocationStore().toString().contains("fleet-pw-1234"));
      assertFalse(ok.rateWindows().describe().contains("fleet-pw-1234"));
    }
  }

  @Test
  void badSettingsFailLoudlyWithTheFix() {
    assertEquals("namespace must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got \"a b\"",
        assertThrows(IllegalArgumentException.class, () -> RedisFleet.builder().namespace("a b")).getMessage());
    assertEquals("staleAfter must be between PT0.1S and PT10M, got PT0.01S",
        assertThrows(IllegalArgumentException.class,
            () -> RedisFleet.builder().staleAfter(Duration.ofMillis(10))).getMessage());
    assertTrue(assertThrows(IllegalStateException.class, () -> RedisFleet.builder().build()).getMessage()
        .contains("uri is required"));
    assertTrue(assertThrows(IllegalStateException.class, () -> RedisFleet.builder().uri("redis://127.0.0.1:1")
        .staleAfter(Duration.ofSeconds(1)).heartbeatInterval(Duration.ofMillis(600)).build()).getMessage()
        .contains("at most half of staleAfter"));
    assertThrows(IllegalStateException.class, () -> RedisFleet.builder().namespace("a").namespace("b"));
  }
}
