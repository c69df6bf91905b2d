package dev.agentguard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.examples.springai.SpringAiScenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the Spring AI demo working: tool hiding, a refused exfiltration the model re-plans around, a verified trail. */
class SpringAiDemoTest {
  @Test
  void theAssistantIsRefusedTheExfiltrationReplansAndTheTrailShowsIt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SpringAiScenario.Result r = SpringAiScenario.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(List.of("addComment", "httpPost", "readTicket"), r.offeredTools().stream().sorted().toList(), out);
    assertTrue(r.toolResults().contains("DENIED FORBIDDEN: a policy forbids this call"), out);
    assertEquals(List.of("tickets.read T-1", "tickets.comment T-1"), r.executed(), out);
    assertEquals(List.of("tickets.read ALLOW", "http.post DENY FORBIDDEN", "tickets.comment ALLOW"), r.decisions(), out);
    assertTrue(r.answer().contains("not allowed to post"), out);
    assertTrue(r.auditVerified(), out);
    assertTrue(out.contains("AuditLog.verify: OK"), out);
  }
}
