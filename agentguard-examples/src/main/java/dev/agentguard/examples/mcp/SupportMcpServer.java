package dev.agentguard.examples.mcp;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.mcp.GuardedMcpServer;
import dev.agentguard.mcp.McpCaller;
import dev.agentguard.mcp.McpToolMetadata;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A support MCP server on 127.0.0.1 (streamable HTTP at {@code /mcp}, embedded Tomcat) whose tools
 * are guarded by AgentGuard: tickets, an internal knowledge base and a refund tool. A stand-in for
 * the application's HTTP security maps the bearer tokens {@code demo-token-alice} and
 * {@code demo-token-bob} to principals; each principal gets a support task scoped to
 * {@code tickets.*} and {@code kb.*}, so {@code billing.refund} is hidden from them and denied.
 */
public final class SupportMcpServer implements AutoCloseable {
  static final AgentIdentity AGENT = AgentIdentity.of("spiffe://acme.example/agent/support-mcp");
  private static final Map<String, String> DEMO_TOKENS = Map.of(
      "Bearer demo-token-alice", "alice", "Bearer demo-token-bob", "bob");

  /** What the tool bodies did, in order. */
  final List<String> executed = new CopyOnWriteArrayList<>();
  private final GuardedMcpServer server;
  private final Tomcat tomcat;
  private final Path base;

  private SupportMcpServer(AgentGuard guard, int port) throws Exception {
    server = GuardedMcpServer.builder(guard)
        .tasks(SupportMcpServer::taskFor)
        .transport(t -> t.mcpEndpoint("/mcp").securityValidator(DefaultServerTransportSecurityValidator.builder()
            .allowedOrigins(List.of("http://127.0.0.1:*", "http://localhost:*"))
            .allowedHosts(List.of("127.0.0.1:*", "localhost:*")).build()))
        .server(s -> s.serverInfo("acme-support", "1.0").instructions("Acme support tools"))
        .tool(tool("tickets.read", "Reads a ticket", schema("ticket"), readOnly(), a -> "ticket " + a.get("ticket")
            + ": printer on floor 3 is offline"),
            McpToolMetadata.builder("tickets.read").action("read").risk(Risk.LOW)
                .sensitivity(Sensitivity.INTERNAL).bind("ticket", "resource.id").build())
        .tool(tool("tickets.comment", "Adds a comment to a ticket", schema("ticket", "text"), null,
            a -> "commented on " + a.get("ticket")),
            McpToolMetadata.builder("tickets.comment").action("write").risk(Risk.MEDIUM)
                .bind("ticket", "resource.id").build())
        // no declared metadata: derived from the annotations (destructive, closed world -> HIGH)
        .tool(tool("tickets.delete", "Deletes a ticket", schema("ticket"),
            new McpSchema.ToolAnnotations("Delete ticket", false, true, false, false, null),
            a -> "deleted " + a.get("ticket")))
        .tool(tool("kb.fetch", "Fetches a knowledge-base page", schema("url"), readOnly(),
            a -> "page " + a.get("url") + ": restart the print spooler"),
            McpToolMetadata.builder("kb.fetch").action("read").risk(Risk.MEDIUM)
                .bind("url", "destination.url").build())
        .tool(tool("billing.refund", "Refunds an order", schema("order"), null, a -> "refunded " + a.get("order")),
            McpToolMetadata.builder("billing.refund").action("write").risk(Risk.HIGH)
                .sensitivity(Sensitivity.CONFIDENTIAL).bind("order", "resource.id").build())
        .build();

    base = Files.createTempDirectory("agentguard-mcp-demo-tomcat");
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setHostname("127.0.0.1");
    tomcat.setPort(port);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("", null);
    // the demo's classes come from the application class path: no web-app class loader to clean up
    ctx.setParentClassLoader(SupportMcpServer.class.getClassLoader());
    Tomcat.addServlet(ctx, "mcp", server.servlet()).setAsyncSupported(true);
    ctx.addServletMappingDecoded("/mcp", "mcp");
    FilterDef auth = new FilterDef();
    auth.setFilterName("demo-auth");
    auth.setFilter(demoAuthentication());
    auth.setAsyncSupported("true");
    ctx.addFilterDef(auth);
    FilterMap map = new FilterMap();
    map.setFilterName("demo-auth");
    map.addURLPattern("/*");
    ctx.addFilterMap(map);
    tomcat.start();
  }

  /** Starts the server on {@code port} (0: a free one) of 127.0.0.1. */
  public static SupportMcpServer start(AgentGuard guard, int port) throws Exception {
    return new SupportMcpServer(guard, port);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8931}. */
  public String url() {
    return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
  }

  /** Every authenticated support user gets a 15-minute support task; the scopes leave billing out. */
  static Optional<TaskSpec> taskFor(McpCaller caller) {
    String user = caller.principal().orElseThrow();
    return Optional.of(TaskSpec.builder(AGENT).onBehalfOf("user:" + user).purpose("MCP support session")
        .scopes("tickets.*", "kb.*").ttl(Duration.ofMinutes(15)).context("environment", "demo").build());
  }

  private static McpSchema.ToolAnnotations readOnly() {
    return new McpSchema.ToolAnnotations(null, true, false, true, false, null);
  }

  private static String schema(String... stringProperties) {
    StringBuilder props = new StringBuilder();
    for (String p : stringProperties) {
      props.append(props.length() == 0 ? "" : ",").append('"').append(p).append("\":{\"type\":\"string\"}");
    }
    return "{\"type\":\"object\",\"properties\":{" + props + "},\"required\":[\"" + stringProperties[0] + "\"]}";
  }

  private SyncToolSpecification tool(String name, String description, String inputSchema,
      McpSchema.ToolAnnotations annotations, java.util.function.Function<Map<String, Object>, String> body) {
    McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description)
        .inputSchema(McpJsonDefaults.getMapper(), inputSchema).annotations(annotations).build();
    return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
      String result = body.apply(request.arguments());
      executed.add(name + " " + result);
      return CallToolResult.builder().addTextContent(result).build();
    }).build();
  }

  private static Filter demoAuthentication() {
    return (request, response, chain) -> {
      HttpServletRequest http = (HttpServletRequest) request;
      String user = DEMO_TOKENS.get(String.valueOf(http.getHeader("Authorization")));
      if (user == null) {
        chain.doFilter(request, response);
        return;
      }
      Principal principal = () -> user;
      chain.doFilter(new HttpServletRequestWrapper(http) {
        @Override
        public Principal getUserPrincipal() {
          return principal;
        }
      }, response);
    };
  }

  /** Stops the server: every session's task is closed, Tomcat stops. */
  @Override
  public void close() throws LifecycleException, java.io.IOException {
    server.close();
    tomcat.stop();
    tomcat.destroy();
    try (var files = Files.walk(base)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
