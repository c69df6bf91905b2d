package dev.agentguard.mcp;

import static dev.agentguard.mcp.McpFixture.call;
import static dev.agentguard.mcp.McpFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.core.DenialText;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tasks per (session, principal): isolation, binding, end of session, expiry. */
class McpSessionsTest {
  private McpFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new McpFixture();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private String taskOf(String principal) {
    return f.awaitEvent(e -> e.type().equals("task.started") && ("user:" + principal).equals(e.onBehalfOf()))
        .orElseThrow().task();
  }

  @Test // docs/security-cases.md #27, #51
  void concurrentSessionsNeverSeeEachOthersTask() throws Exception {
    List<String> principals = List.of("alice", "bob", "carol");
    Map<String, McpSyncClient> clients = principals.stream().collect(Collectors.toMap(p -> p, f::client));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<String[]>> results = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String p = principals.get(i % 3);
        results.add(pool.submit(() -> new String[] {p,
            text(clients.get(p).callTool(call("tickets.read", Map.of("ticket", "T-" + p))))}));
      }
      Map<String, String> tasks = principals.stream().collect(Collectors.toMap(p -> p, this::taskOf));
      assertEquals(3, tasks.values().stream().distinct().count());
      for (Future<String[]> r : results) {
        String[] got = r.get();
        assertEquals("ok tickets.read " + tasks.get(got[0]), got[1], "answer to " + got[0]);
      }
      assertEquals(60, f.runs("tickets.read"));
      for (String s : f.seen) { // "<tool> <task> <principal in the handler's transport context>"
        String[] parts = s.split(" ");
        assertEquals(tasks.get(parts[2]), parts[1], s);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test // docs/security-cases.md #51: the SDK runs B's request in A's session
  void requestWithAnotherPrincipalsSessionIdIsDeniedAndRecorded() throws Exception {
    RawSession alice = RawSession.open(f.url(), "alice");
    String allowed = alice.post("alice", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"tickets.read\",\"arguments\":{\"ticket\":\"T-1\"}}}");
    assertTrue(allowed.contains("ok tickets.read"), allowed);

    String stolen = alice.post("bob", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"tickets.read\",\"arguments\":{\"ticket\":\"T-2\"}}}");
    assertTrue(stolen.contains(DenialText.of(DenyCode.NO_TASK)), stolen);
    assertTrue(stolen.contains("\"isError\":true"), stolen);
    assertEquals(1, f.runs("tickets.read"));
    AuditEvent deny = f.awaitEvent(e -> e.type().equals("tool.decision") && "DENY".equals(e.decision())
        && "NO_TASK".equals(e.code())).orElseThrow();
    assertEquals("T-2", deny.attributes().get("resource.id"));

    String listed = alice.post("bob", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}");
    assertFalse(listed.contains("tickets.read"), listed);

    // another principal's DELETE does not end alice's task (the SDK drops the session itself regardless)
    String task = taskOf("alice");
    alice.delete("bob");
    f.client("carol").callTool(call("tickets.read", Map.of("ticket", "T-4")));
    AuditEvent carols = f.awaitEvent(e -> e.type().equals("tool.decision") && "ALLOW".equals(e.decision())
        && "T-4".equals(e.attributes().get("resource.id"))).orElseThrow();
    // the call's outcome: on its one record (a LOW call since 0.2.0), or a completion naming it by parent
    f.awaitEvent(e -> e.outcome() != null && (carols.id().equals(e.id()) || carols.id().equals(e.parent())))
        .orElseThrow();
    assertTrue(f.audit.events().stream().noneMatch(e -> e.type().equals("task.completed") && task.equals(e.task())));
  }

  @Test
  void endingTheSessionClosesItsTask() throws Exception {
    RawSession alice = RawSession.open(f.url(), "alice");
    alice.post("alice", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"tickets.read\",\"arguments\":{\"ticket\":\"T-1\"}}}");
    String task = taskOf("alice");

    alice.delete("alice");
    assertTrue(f.awaitEvent(e -> e.type().equals("task.completed") && task.equals(e.task())).isPresent());
    assertTrue(f.awaitEvent(e -> e.type().equals("credential.revoked") && task.equals(e.task())).isPresent());
  }

  @Test
  void sdkClientCloseEndsTheSessionAndItsTask() {
    McpSyncClient alice = f.client("alice");
    alice.callTool(call("tickets.read", Map.of("ticket", "T-1")));
    String task = taskOf("alice");
    assertTrue(alice.closeGracefully());
    assertTrue(f.awaitEvent(e -> e.type().equals("task.completed") && task.equals(e.task())).isPresent());
  }

  @Test // docs/security-cases.md #23
  void expiredSessionTaskIsDeniedClosedAndNeverSilentlyRenewed() {
    McpSyncClient alice = f.client("alice");
    assertFalse(Boolean.TRUE.equals(alice.callTool(call("tickets.read", Map.of("ticket", "T-1"))).isError()));
    String task = taskOf("alice");

    f.clock.advance(Duration.ofMinutes(11));
    CallToolResult expired = alice.callTool(call("tickets.read", Map.of("ticket", "T-1")));
    assertEquals(DenialText.of(DenyCode.CREDENTIAL_EXPIRED), text(expired));
    assertTrue(f.awaitEvent(e -> e.type().equals("task.completed") && task.equals(e.task())).isPresent());

    assertTrue(f.awaitEvent(e -> e.type().equals("task.completed") && task.equals(e.task())).isPresent());
    CallToolResult after = alice.callTool(call("tickets.read", Map.of("ticket", "T-1")));
    assertTrue(after.isError());
    assertNotEquals(-1, text(after).indexOf("DENIED"));
    assertEquals(1, f.runs("tickets.read"));
    assertEquals(1, f.flushedEvents().stream().filter(e -> e.type().equals("task.started")).count());
  }

  /** A session driven by raw HTTP, so a request can carry one principal's session id with another's token. */
  static final class RawSession {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    private final String sessionId;

    private RawSession(String url, String sessionId) {
      this.url = url;
      this.sessionId = sessionId;
    }

    static RawSession open(String base, String principal) throws Exception {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> init = http.send(request(base + "/mcp", principal, null)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
              + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
              + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError(init.body()));
      RawSession s = new RawSession(base + "/mcp", session);
      s.post(principal, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      return s;
    }

    String post(String principal, String body) throws Exception {
      return http.send(request(url, principal, sessionId).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }

    void delete(String principal) throws Exception {
      http.send(request(url, principal, sessionId).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String url, String principal, String session) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
          .header("Content-Type", "application/json")
          .header("Accept", "application/json, text/event-stream")
          .header("MCP-Protocol-Version", "2025-06-18")
          .header("Authorization", "Bearer token-" + principal);
      if (session != null) {
        b.header("Mcp-Session-Id", session);
      }
      return b;
    }
  }
}
