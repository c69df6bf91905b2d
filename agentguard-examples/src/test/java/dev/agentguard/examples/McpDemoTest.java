package dev.agentguard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.examples.mcp.McpScenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the MCP demo working: scoped listing, isError denials, no task without credentials, a verified trail. */
class McpDemoTest {
  @Test
  void theScriptedClientIsShownItsScopeDeniedTheRestAndTheTrailVerifies() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    McpScenario.Result r = McpScenario.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(List.of("kb.fetch", "tickets.comment", "tickets.delete", "tickets.read"), r.listed(), out);
    assertEquals(List.of(
        "ticket T-1: printer on floor 3 is offline",
        "page https://kb.acme.example/printers: restart the print spooler",
        "commented on T-1",
        "error: DENIED FORBIDDEN: a policy forbids this call",
        "error: DENIED NO_MATCHING_PERMIT: no policy permits this call",
        "error: DENIED OUT_OF_SCOPE: this tool is not available to the current task",
        "error: Tool (tickets.read) input validation failed: Validation failed: JSON schema validation errors: "
            + "[/ticket: integer found, string expected]",
        "error: DENIED NO_TASK: no task is running for this conversation"), r.answers(), out);
    assertEquals(3, r.executed().size(), out);
    assertTrue(r.events().contains("tool.decision tickets.delete DENY FORBIDDEN"), out);
    assertTrue(r.events().contains("tool.decision billing.refund DENY OUT_OF_SCOPE"), out);
    assertTrue(r.events().contains("tool.decision tickets.read DENY NO_TASK"), out);
    assertTrue(r.events().contains("task.completed"), "ending the session closed alice's task: " + out);
    assertTrue(r.auditVerified(), out);
  }
}
