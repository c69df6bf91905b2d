package dev.agentguard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code allow} and {@code deny} take their lists in the same order: reasons, then policies. */
class DecisionTest {
  @Test
  void allowTakesReasonsThenPoliciesLikeDeny() {
    Decision allow = Decision.allow(List.of("permitted by r1"), List.of("r1"), "sha256:v");
    Decision deny = Decision.deny(DenyCode.FORBIDDEN, List.of("forbidden by r2"), List.of("r2"), "sha256:v");
    assertEquals(List.of("permitted by r1"), allow.reasons());
    assertEquals(List.of("r1"), allow.policies());
    assertEquals(List.of("forbidden by r2"), deny.reasons());
    assertEquals(List.of("r2"), deny.policies());
  }
}
