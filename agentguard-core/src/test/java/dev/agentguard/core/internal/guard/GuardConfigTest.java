package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.Risk;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.SigningKey;
import dev.agentguard.core.spi.ObligationStep;
import dev.agentguard.core.spi.RateWindows;
import dev.agentguard.core.spi.RevocationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GuardImpl.start(GuardConfig)} is no way around the builder's checks: the config checks them itself. */
class GuardConfigTest {
  private static GuardConfig config(PolicySet set, Duration defaultTtl, Duration maxTtl, int queue) {
    return new GuardConfig(null, set, false, Duration.ofSeconds(1), List.of(), List.of(), List.of(),
        Clock.systemUTC(), SigningKey.generate(), "agentguard", "agentguard-tools", defaultTtl, maxTtl,
        Risk.HIGH, Duration.ofSeconds(2), Risk.HIGH, null, false, false, false, queue, AuditOverflow.BLOCK,
        Duration.ZERO, Duration.ofSeconds(10), 1000, Duration.ofSeconds(60), Duration.ofSeconds(5), false,
        RevocationStore.inMemory(Clock.systemUTC()), RateWindows.inMemory(), ObligationStep.none(), "test-instance",
        null, RolloutSettings.none(), dev.agentguard.core.internal.secret.SecretsConfig.NONE);
  }

  private static final PolicySet POLICY =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");

  @Test
  void aDefaultTtlAboveTheMaximumIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config(POLICY, Duration.ofHours(2), Duration.ofHours(1), 1024));
    assertEquals("defaultTaskTtl PT2H exceeds maxTaskTtl PT1H", e.getMessage());
  }

  @Test
  void aNonPositiveDurationIsRefusedWithTheSharedWording() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config(POLICY, Duration.ZERO, Duration.ofHours(1), 1024));
    assertEquals("defaultTaskTtl must be positive, got PT0S", e.getMessage());
  }

  @Test
  void aTinyQueueAndAMissingPolicyAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> config(POLICY, Duration.ofMinutes(5), Duration.ofHours(1), 1));
    assertThrows(IllegalArgumentException.class, () -> config(null, Duration.ofMinutes(5), Duration.ofHours(1), 1024));
  }
}
