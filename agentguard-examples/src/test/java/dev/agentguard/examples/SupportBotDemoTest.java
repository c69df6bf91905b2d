package dev.agentguard.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.examples.supportbot.SupportBotScenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the README's demo working: the story's decisions and a verified audit trail. */
class SupportBotDemoTest {
  @Test
  void theDemoShowsEveryDecisionAndAVerifiedTrail() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] counts = SupportBotScenario.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("NO_TASK"), out);
    assertTrue(out.contains("FORBIDDEN [no-exfiltration]"), out);
    assertTrue(out.contains("OUT_OF_SCOPE"), out);
    assertTrue(out.contains("LIMIT_EXCEEDED [email-budget]"), out);
    assertTrue(out.contains("CREDENTIAL_EXPIRED"), out);
    assertTrue(out.contains("CREDENTIAL_REVOKED"), out);
    assertTrue(out.contains("AGENT_UNVERIFIED"), out);
    assertTrue(out.contains("identity verified by jwt-svid"), out);
    assertTrue(out.contains("AuditLog.verify: OK"), out);
    // allowed: read, internal post, partner post, customer, 3 e-mails, task A read, task B read
    assertArrayEquals(new int[] {9, 8}, counts, out);
  }
}
