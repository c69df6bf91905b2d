package dev.agentguard.mcp;

import static dev.agentguard.mcp.McpFixture.call;
import static dev.agentguard.mcp.McpFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stateless server: a task per request from the request's principal, the same denials and records. */
class GuardedStatelessMcpServerTest {
  private final InMemoryAuditSink audit = AuditSinks.inMemory();
  private final AtomicInteger runs = new AtomicInteger();
  private AgentGuard guard;
  private GuardedStatelessMcpServer server;
  private Tomcat tomcat;
  private Path base;

  private SyncToolSpecification tool(String name) {
    return SyncToolSpecification.builder().tool(McpSchema.Tool.builder().name(name)
        .inputSchema(Map.of("type", "object", "properties", Map.of("ticket", Map.of("type", "string")))).build())
        .callHandler((context, request) -> {
          runs.incrementAndGet();
          return CallToolResult.builder().addTextContent("ok " + name + " "
              + guard.currentTask().map(t -> t.id()).orElse("none")).build();
        }).build();
  }

  @BeforeEach
  void start() throws Exception {
    guard = AgentGuard.builder().policy(PolicySet.parse(McpFixture.POLICY)).auditSink(audit).build();
    server = GuardedStatelessMcpServer.builder(guard).tasks(McpFixture::taskFor)
        .tool(tool("tickets.read"), McpToolMetadata.builder("tickets.read").action("read").risk(Risk.LOW)
            .bind("ticket", "resource.id").build())
        .tool(tool("tickets.close"), McpToolMetadata.builder("tickets.close").bind("ticket", "resource.id").build())
        .tool(tool("admin.export"), McpToolMetadata.builder("admin.export").build())
        .build();
    base = Files.createTempDirectory("agentguard-mcp-stateless");
    tomcat = McpFixture.serve(server.servlet(), base);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    tomcat.stop();
    tomcat.destroy();
    guard.close();
    try (var files = Files.walk(base)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private McpSyncClient client(String principal) {
    HttpRequest.Builder rb = HttpRequest.newBuilder();
    if (principal != null) {
      rb.header("Authorization", "Bearer token-" + principal);
    }
    McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(
        "http://127.0.0.1:" + tomcat.getConnector().getLocalPort()).endpoint("/mcp").requestBuilder(rb).build())
        .requestTimeout(Duration.ofSeconds(20)).build();
    c.initialize();
    return c;
  }

  @Test // docs/security-cases.md #23, #51
  void eachCallRunsUnderItsOwnTaskAndDenialsAreRecordedResults() {
    McpSyncClient alice = client("alice");
    assertEquals(List.of("tickets.close", "tickets.read"),
        alice.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList());
    String first = text(alice.callTool(call("tickets.read", Map.of("ticket", "T-1"))));
    String second = text(alice.callTool(call("tickets.read", Map.of("ticket", "T-2"))));
    assertTrue(first.startsWith("ok tickets.read task-") && second.startsWith("ok tickets.read task-"), first);
    assertFalse(first.equals(second), "a task per request");

    assertEquals(DenialText.of(DenyCode.FORBIDDEN), text(alice.callTool(call("tickets.close", Map.of("ticket", "VIP-1")))));
    assertEquals(DenialText.of(DenyCode.OUT_OF_SCOPE), text(alice.callTool(call("admin.export", Map.of()))));
    assertEquals(DenialText.of(DenyCode.NO_TASK), text(client(null).callTool(call("tickets.read", Map.of("ticket", "T-1")))));
    CallToolResult bad = alice.callTool(call("tickets.read", Map.of("ticket", List.of("T-1"))));
    assertTrue(bad.isError() && text(bad).startsWith("Tool (tickets.read) input validation failed"), text(bad));
    assertEquals(2, runs.get());

    guard.close();
    List<AuditEvent> events = audit.events();
    assertEquals(3, events.stream().filter(e -> e.type().equals("tool.decision") && "DENY".equals(e.decision())).count());
    assertEquals(events.stream().filter(e -> e.type().equals("task.started")).count(),
        events.stream().filter(e -> e.type().equals("task.completed")).count(), "every per-request task is closed");
  }

  @Test // docs/security-cases.md #51
  void sameNameAddToolIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> server.addTool(tool("tickets.close"),
        McpToolMetadata.builder("tickets.close").build()));
    assertEquals(DenialText.of(DenyCode.FORBIDDEN),
        text(client("alice").callTool(call("tickets.close", Map.of("ticket", "VIP-1")))));
    assertEquals(0, runs.get());
  }
}
