package dev.agentguard.examples.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A tiny scripted MCP client (the SDK's own), standing in for an agent: it lists the tools it is
 * shown and calls a fixed sequence of them, printing every answer.
 */
public final class ScriptedMcpClient implements AutoCloseable {
  private final McpSyncClient client;
  private final PrintStream out;
  private final String who;

  /** Connects and initializes; {@code token} null sends no credentials. */
  public ScriptedMcpClient(String url, String token, String who, PrintStream out) {
    HttpRequest.Builder request = HttpRequest.newBuilder();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    this.client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp")
        .requestBuilder(request).build()).requestTimeout(Duration.ofSeconds(30)).build();
    this.out = out;
    this.who = who;
    client.initialize();
  }

  /** The names of the tools {@code tools/list} shows this client. */
  public List<String> listTools() {
    List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
    out.println(who + " sees tools " + names);
    return names;
  }

  /** Calls a tool and prints its answer; returns the answer text, prefixed {@code "error: "} for an error result. */
  public String call(String tool, Map<String, Object> arguments) {
    McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    String text = ((McpSchema.TextContent) r.content().get(0)).text();
    String answer = Boolean.TRUE.equals(r.isError()) ? "error: " + text : text;
    out.println(who + " -> " + tool + " " + arguments + "\n   <- " + answer);
    return answer;
  }

  /** Ends the MCP session (HTTP DELETE), which closes its AgentGuard task. */
  @Override
  public void close() {
    client.closeGracefully();
  }
}
