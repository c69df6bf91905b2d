package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Revocation memory is bounded by the expiry of the credentials it covers. */
class RevocationRegistryTest {
  @Test
  void entriesAreDroppedOnceTheCredentialsTheyCoverHaveExpired() {
    RevocationRegistry r = new RevocationRegistry();
    long now = 1_000_000;
    for (int i = 0; i < 3_000; i++) {
      r.revokeCredential("expired-" + i, now - 1, now);
    }
    r.revokeCredential("live", now + 60_000, now);
    r.revokeTask("live-task", now + 60_000, now);
    r.revokeAgent("agent", 10, now + 60_000, now);
    assertTrue(r.size() <= 1_100, "expired entries are swept, size " + r.size());
    r.sweep(now);
    assertEquals(3, r.size(), "only entries that still cover an unexpired credential stay");
    r.sweep(now + 60_001);
    assertEquals(0, r.size());
  }
}
