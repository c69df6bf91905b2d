package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.core.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Revocation memory is bounded by the expiry of the credentials it covers. */
class RevocationRegistryTest {
  @Test
  void entriesAreDroppedOnceTheCredentialsTheyCoverHaveExpired() {
    long now = 1_000_000;
    TestClock clock = new TestClock(Instant.ofEpochMilli(now));
    RevocationRegistry r = new RevocationRegistry(clock);
    for (int i = 0; i < 3_000; i++) {
      r.revokeCredential("expired-" + i, now - 1);
    }
    r.revokeCredential("live", now + 60_000);
    r.revokeTask("live-task", now + 60_000);
    r.revokeAgent("agent", now, now + 60_000);
    assertTrue(r.size() <= 1_100, "expired entries are swept, size " + r.size());
    r.sweep(now);
    assertEquals(3, r.size(), "only entries that still cover an unexpired credential stay");
    r.sweep(now + 60_001);
    assertEquals(0, r.size());
  }

  @Test
  void theVersionChangesWithEveryRevocation() {
    RevocationRegistry r = new RevocationRegistry(TestClock.at("2026-11-28T10:00:00Z"));
    long v0 = r.version();
    r.revokeTask("t", 0);
    long v1 = r.version();
    r.revokeTask("t", 0);
    assertTrue(v0 != v1 && v1 != r.version(), "even an idempotent repeat bumps the version");
    assertTrue(r.isTaskRevoked("t"));
    assertEquals(Long.MIN_VALUE, r.agentRevokedAtMillis("nobody"));
  }
}
