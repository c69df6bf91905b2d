package dev.agentguard.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the rollout demo working: one approved refund, one refused, one shadow forbid observed. */
class RolloutDemoTest {
  @Test
  void theDemoApprovesOnceRefusesOnceAndObservesTheShadowForbid() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] counts = RolloutDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("refunded 4200 cents on O-17"), out);
    assertTrue(out.contains("DENIED APPROVAL_DENIED: approval was requested and refused by user:bob (support lead)"), out);
    assertTrue(out.contains("shadowRules=[no-vip-tickets=match]"), out);
    assertTrue(out.contains("approval.granted"), out);
    // bodies: refund O-17, read VIP-7, read T-1 (O-18 never ran); one approval; one call the shadow forbid matched
    assertArrayEquals(new int[] {3, 1, 1}, counts, out);
  }
}
