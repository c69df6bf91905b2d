package dev.agentguard.mcp;

import static dev.agentguard.mcp.McpFixture.call;
import static dev.agentguard.mcp.McpFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.core.DenialText;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real SDK client against a guarded SDK server over HTTP on 127.0.0.1, in one JVM. */
class GuardedMcpServerTest {
  private McpFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new McpFixture();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private static boolean isDeny(AuditEvent e, String tool, DenyCode code) {
    return e.type().equals("tool.decision") && tool.equals(e.tool()) && "DENY".equals(e.decision())
        && code.name().equals(e.code());
  }

  @Test
  void allowedCallRunsTheHandlerOnceUnderTheCallersTask() {
    McpSyncClient alice = f.client("alice");
    CallToolResult r = alice.callTool(call("tickets.read", Map.of("ticket", "T-1")));

    assertFalse(Boolean.TRUE.equals(r.isError()), text(r));
    assertEquals(1, f.runs("tickets.read"));
    AuditEvent allow = f.awaitEvent(e -> e.type().equals("tool.decision") && "tickets.read".equals(e.tool())
        && "ALLOW".equals(e.decision())).orElseThrow();
    assertEquals("T-1", allow.attributes().get("resource.id"));
    assertEquals("user:alice", allow.onBehalfOf());
    assertTrue(text(r).endsWith(allow.task()), "the handler saw the caller's task bound: " + text(r));
  }

  @Test // docs/security-cases.md #51
  void forbiddenCallIsAnErrorResultTheHandlerNeverRanAndTheDenialIsRecorded() {
    McpSyncClient alice = f.client("alice");
    CallToolResult r = alice.callTool(call("tickets.close", Map.of("ticket", "VIP-7")));

    assertTrue(r.isError());
    assertEquals(DenialText.of(DenyCode.FORBIDDEN), text(r));
    assertEquals(0, f.runs("tickets.close"));
    assertTrue(f.awaitEvent(e -> isDeny(e, "tickets.close", DenyCode.FORBIDDEN)).isPresent());
  }

  @Test // docs/security-cases.md #51
  void outOfScopeToolIsHiddenFromTheListingAndDeniedWhenCalledByName() {
    McpSyncClient alice = f.client("alice");
    Set<String> listed = alice.listTools().tools().stream().map(McpSchema.Tool::name).collect(Collectors.toSet());
    assertEquals(Set.of("tickets.read", "tickets.search", "tickets.close", "tickets.report"), listed);

    CallToolResult r = alice.callTool(call("admin.export", Map.of()));
    assertTrue(r.isError());
    assertEquals(DenialText.of(DenyCode.OUT_OF_SCOPE), text(r));
    assertEquals(0, f.runs("admin.export"));
    assertTrue(f.awaitEvent(e -> isDeny(e, "admin.export", DenyCode.OUT_OF_SCOPE)).isPresent());

    McpSyncClient admin = f.client("admin");
    assertTrue(admin.listTools().tools().stream().anyMatch(t -> t.name().equals("admin.export")));
    assertFalse(Boolean.TRUE.equals(admin.callTool(call("admin.export", Map.of())).isError()));
    assertEquals(1, f.runs("admin.export"));
  }

  @Test // docs/security-cases.md #23
  void callerWithoutPrincipalGetsNoTaskNothingListedAndARecordedNoTaskDenial() {
    McpSyncClient anonymous = f.client(null);
    assertTrue(anonymous.listTools().tools().isEmpty());

    CallToolResult r = anonymous.callTool(call("tickets.read", Map.of("ticket", "T-1")));
    assertTrue(r.isError());
    assertEquals(DenialText.of(DenyCode.NO_TASK), text(r));
    assertEquals(0, f.runs("tickets.read"));
    assertTrue(f.awaitEvent(e -> isDeny(e, "tickets.read", DenyCode.NO_TASK)).isPresent());
  }

  @Test // docs/security-cases.md #26
  void poolThreadsThatRanAnAllowedCallCarryNoTaskIntoTheNextCallersCall() {
    McpSyncClient alice = f.client("alice");
    McpSyncClient anonymous = f.client(null);
    for (int i = 0; i < 10; i++) {
      assertFalse(Boolean.TRUE.equals(alice.callTool(call("tickets.read", Map.of("ticket", "T-" + i))).isError()));
      assertEquals(DenialText.of(DenyCode.NO_TASK), text(anonymous.callTool(call("tickets.read", Map.of("ticket", "X")))));
    }
    assertEquals(10, f.runs("tickets.read"));
    // the adapter opens tasks bound to no thread: no call found a task left behind that needed masking
    assertTrue(f.flushedEvents().stream().noneMatch(e -> NoTaskMask.AGENT.id().equals(e.agent())));
  }

  @Test // docs/security-cases.md #23, #26
  void aTaskTheApplicationLeftBoundToTheServerThreadNeverDecidesACallerWithoutATask() {
    // docs/security-cases.md #93
    McpSyncClient leaker = f.client("leaker");
    for (int i = 0; i < 3; i++) {
      CallToolResult r = leaker.callTool(call("tickets.read", Map.of("ticket", "T-" + i)));
      assertTrue(r.isError());
      assertEquals(DenialText.of(DenyCode.NO_TASK), text(r));
    }
    assertEquals(0, f.runs("tickets.read"), "the handler ran under a task left bound to the server thread");
    assertEquals(3, f.leaked.size(), "the mapping must have left a task bound before each call");
    List<AuditEvent> events = f.flushedEvents();
    List<AuditEvent> decisions = events.stream().filter(e -> e.type().equals("tool.decision")).collect(Collectors.toList());
    assertEquals(3, decisions.stream().filter(e -> isDeny(e, "tickets.read", DenyCode.NO_TASK)).count());
    assertTrue(decisions.stream().noneMatch(e -> f.leaked.contains(e.task())), "a leaked task decided a call");
    assertEquals(1, events.stream().filter(e -> e.type().equals("task.started")
        && NoTaskMask.AGENT.id().equals(e.agent())).count(), "one mask task, opened once");
  }

  @Test // docs/security-cases.md #23
  void principalTheMapperGivesNoTaskIsDeniedNoTask() {
    CallToolResult r = f.client("mallory").callTool(call("tickets.read", Map.of("ticket", "T-1")));
    assertEquals(DenialText.of(DenyCode.NO_TASK), text(r));
    assertEquals(0, f.runs("tickets.read"));
    assertTrue(f.awaitEvent(e -> isDeny(e, "tickets.read", DenyCode.NO_TASK)).isPresent());
  }

  @Test // docs/security-cases.md #51
  void argumentsFailingTheInputSchemaGetTheSdkMessageAndTheAttemptIsRecorded() {
    McpSyncClient alice = f.client("alice");
    CallToolResult r = alice.callTool(call("tickets.read", Map.of("ticket", 42)));

    assertTrue(r.isError());
    assertTrue(text(r).startsWith("Tool (tickets.read) input validation failed: "), text(r));
    assertEquals(0, f.runs("tickets.read"));
    // the call's outcome: on its one record (since 0.2.0 a LOW call's decision carries it) or a completion
    AuditEvent done = f.awaitEvent(e -> e.outcome() != null && "tickets.read".equals(e.tool()))
        .orElseThrow();
    assertEquals(ArgumentsRejected.class.getName(), done.error());
  }

  @Test // docs/security-cases.md #51
  void nonFiniteNumbersFromTheModelAreRefusedNotCoerced() {
    McpSyncClient alice = f.client("alice");
    for (String bad : List.of("NaN", "Infinity", "-Infinity", " nan ")) {
      CallToolResult r = alice.callTool(call("tickets.search", Map.of("query", bad)));
      assertTrue(r.isError(), bad);
      assertEquals("invalid argument 'query': not a finite number", text(r));
    }
    CallToolResult schema = alice.callTool(call("tickets.search", Map.of("limit", "NaN")));
    assertTrue(schema.isError());
    assertTrue(text(schema).startsWith("Tool (tickets.search) input validation failed: "), text(schema));
    assertEquals(0, f.runs("tickets.search"));
    assertEquals(5, f.flushedEvents().stream().filter(e -> e.outcome() != null // one record per LOW call
        && "tickets.search".equals(e.tool()) && ArgumentsRejected.class.getName().equals(e.error())).count());
  }

  @Test
  void denialSurvivesTheSdksOutputSchemaHandling() {
    CallToolResult denied = f.client(null).callTool(call("tickets.report", Map.of()));
    assertTrue(denied.isError());
    assertEquals(DenialText.of(DenyCode.NO_TASK), text(denied));

    CallToolResult allowed = f.client("alice").callTool(call("tickets.report", Map.of()));
    assertFalse(Boolean.TRUE.equals(allowed.isError()), text(allowed));
    assertEquals(Map.of("open", 3), allowed.structuredContent());
  }
}
