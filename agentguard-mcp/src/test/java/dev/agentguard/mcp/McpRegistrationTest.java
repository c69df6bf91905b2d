package dev.agentguard.mcp;

import static dev.agentguard.mcp.McpFixture.call;
import static dev.agentguard.mcp.McpFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.PolicySet;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Every way a tool reaches the server is guarded; none replaces a guarded tool with an unguarded one. */
class McpRegistrationTest {
  private static final AtomicInteger UNGUARDED_RUNS = new AtomicInteger();

  private static McpSchema.Tool tool(String name) {
    return McpSchema.Tool.builder().name(name).inputSchema(Map.of("type", "object")).build();
  }

  private static SyncToolSpecification unguarded(String name) {
    return SyncToolSpecification.builder().tool(tool(name)).callHandler((exchange, request) -> {
      UNGUARDED_RUNS.incrementAndGet();
      return CallToolResult.builder().addTextContent("ran " + name).build();
    }).build();
  }

  @Test // docs/security-cases.md #51
  void sameNameAddToolIsRefusedAndTheGuardedToolStaysGuarded() throws Exception {
    try (McpFixture f = new McpFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.server.addTool(unguarded("tickets.close"), McpToolMetadata.builder("anything.else").build()));
      assertTrue(e.getMessage().contains("already registered"), e.getMessage());

      CallToolResult r = f.client("alice").callTool(call("tickets.close", Map.of("ticket", "VIP-1")));
      assertEquals(DenialText.of(DenyCode.FORBIDDEN), text(r));
      assertEquals(0, UNGUARDED_RUNS.get());
    }
  }

  @Test // docs/security-cases.md #51
  void toolAddedAtRunTimeIsGuardedAndListedByScope() throws Exception {
    try (McpFixture f = new McpFixture()) {
      AtomicInteger runs = new AtomicInteger();
      f.server.addTool(SyncToolSpecification.builder().tool(tool("admin.purge")).callHandler((x, r) -> {
        runs.incrementAndGet();
        return CallToolResult.builder().addTextContent("purged").build();
      }).build(), McpToolMetadata.builder("admin.purge").risk(Risk.CRITICAL).build());

      var alice = f.client("alice");
      assertFalse(alice.listTools().tools().stream().anyMatch(t -> t.name().equals("admin.purge")));
      assertEquals(DenialText.of(DenyCode.OUT_OF_SCOPE), text(alice.callTool(call("admin.purge", Map.of()))));
      assertEquals(0, runs.get());

      f.server.removeTool("admin.purge");
      f.server.addTool(unguarded("admin.purge"), McpToolMetadata.builder("admin.purge").build());
      assertEquals(DenialText.of(DenyCode.OUT_OF_SCOPE), text(alice.callTool(call("admin.purge", Map.of()))));
      assertEquals(0, UNGUARDED_RUNS.get());
    }
  }

  @Test // docs/security-cases.md #51
  void buildFailsWhenTheSdkCustomizerRegistersAToolOfItsOwn() {
    try (AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(McpFixture.POLICY))
        .auditSink(AuditSinks.inMemory()).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> GuardedMcpServer.builder(guard)
          .tasks(c -> Optional.empty())
          .server(s -> s.toolCall(tool("sneaky"), (x, r) -> Mono.just(CallToolResult.builder().build())))
          .build());
      assertTrue(e.getMessage().contains("'sneaky'") && e.getMessage().contains("unguarded"), e.getMessage());

      assertThrows(RuntimeException.class, () -> GuardedMcpServer.builder(guard)
          .tasks(c -> Optional.empty())
          .server(s -> s.tools(AsyncToolSpecification.builder().tool(tool("tickets.read"))
              .callHandler((x, r) -> Mono.just(CallToolResult.builder().build())).build()))
          .tool(unguarded("tickets.read"), McpToolMetadata.builder("tickets.read").build())
          .build());
    }
  }

  @Test // docs/security-cases.md #51
  void asyncToolIsDecidedBeforeItsMonoIsSubscribed() throws Exception {
    AtomicInteger subscribed = new AtomicInteger();
    AsyncToolSpecification watch = AsyncToolSpecification.builder().tool(tool("tickets.close"))
        .callHandler((x, r) -> Mono.fromSupplier(() -> {
          subscribed.incrementAndGet();
          return CallToolResult.builder().addTextContent("closed " + r.arguments().get("ticket")).build();
        })).build();
    McpToolMetadata meta = McpToolMetadata.builder("tickets.close").action("write").bind("ticket", "resource.id").build();
    try (McpFixture f = new McpFixture(TaskScope.SESSION, b -> { })) {
      f.server.removeTool("tickets.close");
      f.server.addAsyncTool(watch, meta);
      var alice = f.client("alice");
      assertEquals(DenialText.of(DenyCode.FORBIDDEN), text(alice.callTool(call("tickets.close", Map.of("ticket", "VIP-2")))));
      assertEquals(0, subscribed.get());
      assertEquals("closed T-9", text(alice.callTool(call("tickets.close", Map.of("ticket", "T-9")))));
      assertEquals(1, subscribed.get());
    }
  }

  @Test
  void perRequestScopeStartsAndClosesOneTaskPerCall() throws Exception {
    try (McpFixture f = new McpFixture(TaskScope.REQUEST, b -> { })) {
      var alice = f.client("alice");
      assertEquals(4, alice.listTools().tools().size());
      for (int i = 0; i < 3; i++) {
        assertFalse(Boolean.TRUE.equals(alice.callTool(call("tickets.read", Map.of("ticket", "T-" + i))).isError()));
      }
      var events = f.flushedEvents();
      // one listing task and one task per call, each closed
      assertEquals(4, events.stream().filter(e -> e.type().equals("task.started")).count());
      assertEquals(4, events.stream().filter(e -> e.type().equals("task.completed")).count());
      assertEquals(3, events.stream().filter(e -> e.type().equals("tool.decision") && "ALLOW".equals(e.decision()))
          .map(e -> e.task()).distinct().count());
    }
  }

  @Test // docs/security-cases.md #51
  void throwingHandlerIsAGenericErrorResultWithoutItsMessageAndTheFailureIsRecorded() throws Exception {
    try (McpFixture f = new McpFixture()) {
      f.server.addTool(SyncToolSpecification.builder().tool(tool("tickets.flaky")).callHandler((x, r) -> {
        throw new IllegalStateException("jdbc:postgresql://db.internal/tickets password=hunter2");
      }).build(), McpToolMetadata.builder("tickets.flaky").build());

      CallToolResult r = f.client("alice").callTool(call("tickets.flaky", Map.of()));
      assertTrue(r.isError());
      assertEquals(ToolGate.TOOL_FAILED, text(r));
      var done = f.awaitEvent(e -> e.outcome() != null && "tickets.flaky".equals(e.tool())) // either record form
          .orElseThrow();
      assertEquals(IllegalStateException.class.getName(), done.error());
      assertFalse(done.toString().contains("hunter2"));
    }
  }

  @Test // docs/security-cases.md #33
  void theClientsTokenNeverReachesToolsOrTheAuditTrail() throws Exception {
    try (McpFixture f = new McpFixture()) {
      var alice = f.client("alice");
      alice.callTool(call("tickets.read", Map.of("ticket", "T-1")));
      alice.callTool(call("tickets.close", Map.of("ticket", "VIP-1")));
      for (String s : f.seen) {
        assertFalse(s.contains("token-"), s);
        assertTrue(s.endsWith(" alice"), s);
      }
      for (var e : f.flushedEvents()) {
        assertFalse(e.toString().contains("token-alice"), e.toString());
      }
    }
  }
}
