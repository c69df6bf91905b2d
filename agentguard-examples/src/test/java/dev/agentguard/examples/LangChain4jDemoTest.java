package dev.agentguard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.examples.langchain4j.LangChain4jScenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the LangChain4j demo working: scope filtering, a denial the model re-plans around, a verified trail. */
class LangChain4jDemoTest {
  @Test
  void theAssistantIsRefusedReplansAndTheTrailShowsIt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LangChain4jScenario.Result r = LangChain4jScenario.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(List.of("addComment", "deleteTicket", "readTicket"), r.offeredTools(), out);
    assertTrue(r.toolResults().contains("DENIED FORBIDDEN: a policy forbids this call"), out);
    assertEquals(List.of("tickets.read T-1", "tickets.comment T-1"), r.executed(), out);
    assertEquals(List.of("tickets.read ALLOW", "tickets.delete DENY FORBIDDEN", "tickets.comment ALLOW"),
        r.decisions(), out);
    assertTrue(r.answer().contains("not allowed to delete"), out);
    assertTrue(r.auditVerified(), out);
    assertTrue(r.offeredTools().stream().noneMatch(t -> t.contains("refund")), out);
    assertFalse(out.contains("-> call refund"), "the model never calls a tool it was not offered: " + out);
    assertTrue(out.contains("AuditLog.verify: OK"), out);
  }
}
