package dev.agentguard.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import org.junit.jupiter.api.Test;

/** The id a guard is known by in a fleet and in exported trails. */
class InstanceIdTest {
  private static final PolicySet POLICY =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");

  @Test
  void keepsTheConfiguredId() {
    try (AgentGuard guard = AgentGuard.builder().policy(POLICY).auditSink(AuditSinks.inMemory())
        .instanceId("support-bot-7f9c:pod-2").build()) {
      assertEquals("support-bot-7f9c:pod-2", guard.instanceId());
    }
  }

  @Test
  void choosesADifferentRandomIdPerGuardWhenNoneIsConfigured() {
    try (AgentGuard a = AgentGuard.builder().policy(POLICY).auditSink(AuditSinks.inMemory()).build();
        AgentGuard b = AgentGuard.builder().policy(POLICY).auditSink(AuditSinks.inMemory()).build()) {
      assertTrue(a.instanceId().matches("ag-[0-9a-f]{16}"), a.instanceId());
      assertNotEquals(a.instanceId(), b.instanceId());
    }
  }

  @Test
  void refusesIdsWithInvisibleSeparatorOrOverlongContentWithoutQuotingThem() {
    for (String bad : new String[] {"", "pod\u200b1", "pod 1", "pod/1", "pod\n1", "x".repeat(129)}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AgentGuard.builder().instanceId(bad));
      assertFalse(!bad.isEmpty() && e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void refusesASecondId() {
    AgentGuard.Builder b = AgentGuard.builder().instanceId("a");
    assertThrows(IllegalStateException.class, () -> b.instanceId("b"));
  }
}
