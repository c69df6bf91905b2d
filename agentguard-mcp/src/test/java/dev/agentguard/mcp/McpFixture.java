package dev.agentguard.mcp;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A real MCP server (SDK 2.1.0 streamable HTTP) guarded by a real AgentGuard, served by embedded
 * Tomcat on 127.0.0.1 with a stand-in for the application's HTTP security: {@code Authorization:
 * Bearer token-<name>} authenticates principal {@code <name>}. Real SDK clients talk to it.
 */
final class McpFixture implements AutoCloseable {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-read",
      "    effect: permit",
      "    tools: [\"tickets.read\", \"tickets.search\", \"tickets.report\", \"tickets.flaky\"]",
      "  - id: support-close",
      "    effect: permit",
      "    tools: [\"tickets.close\"]",
      "  - id: never-close-vip",
      "    effect: forbid",
      "    tools: [\"tickets.close\"]",
      "    when: resource.id.startsWith('VIP-')",
      "  - id: admin-export",
      "    effect: permit",
      "    tools: [\"admin.export\"]");
  static final AgentIdentity AGENT = AgentIdentity.of("spiffe://acme.example/agent/support-bot");

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  final InMemoryAuditSink audit = AuditSinks.inMemory();
  final AgentGuard guard;
  final GuardedMcpServer server;
  final Map<String, AtomicInteger> runs = new java.util.concurrent.ConcurrentHashMap<>();
  /** What each handler run saw: "<tool> <task id> <principal from the transport context>". */
  final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
  /** The ids of the tasks principal {@code leaker}'s mapping left bound to server threads. */
  final ConcurrentLinkedQueue<String> leaked = new ConcurrentLinkedQueue<>();
  private final Tomcat tomcat;
  private final Path base;
  private final int port;
  private final List<McpSyncClient> clients = new ArrayList<>();

  McpFixture() throws Exception {
    this(TaskScope.SESSION, b -> { });
  }

  McpFixture(TaskScope scope, Consumer<GuardedMcpServer.Builder> customize) throws Exception {
    guard = AgentGuard.builder().policy(PolicySet.parse(POLICY)).clock(clock).auditSink(audit).build();
    GuardedMcpServer.Builder b = GuardedMcpServer.builder(guard)
        .taskScope(scope)
        .tasks(this::taskOrLeak)
        .server(s -> s.serverInfo("support", "1.0"))
        .tool(tool("tickets.read", "{\"type\":\"object\",\"properties\":{\"ticket\":{\"type\":\"string\"}},"
            + "\"required\":[\"ticket\"]}", null),
            McpToolMetadata.builder("tickets.read").action("read").risk(Risk.LOW)
                .sensitivity(Sensitivity.INTERNAL).bind("ticket", "resource.id").build())
        .tool(tool("tickets.search", "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},"
            + "\"limit\":{\"type\":\"number\"}}}", null),
            McpToolMetadata.builder("tickets.search").action("read").risk(Risk.LOW)
                .bind("query", "resource.query").bind("limit", "resource.limit").build())
        .tool(tool("tickets.close", "{\"type\":\"object\",\"properties\":{\"ticket\":{\"type\":\"string\"}}}", null),
            McpToolMetadata.builder("tickets.close").action("write").risk(Risk.MEDIUM)
                .bind("ticket", "resource.id").build())
        .tool(tool("tickets.report", "{\"type\":\"object\"}",
            "{\"type\":\"object\",\"properties\":{\"open\":{\"type\":\"integer\"}},\"required\":[\"open\"]}"),
            McpToolMetadata.builder("tickets.report").action("read").risk(Risk.LOW).build())
        .tool(tool("admin.export", "{\"type\":\"object\"}", null),
            McpToolMetadata.builder("admin.export").action("read").risk(Risk.HIGH).build());
    customize.accept(b);
    server = b.build();

    base = Files.createTempDirectory("agentguard-mcp-tomcat");
    tomcat = serve(server.servlet(), base);
    port = tomcat.getConnector().getLocalPort();
  }

  /** Serves {@code servlet} at {@code /mcp} of a started Tomcat on a free 127.0.0.1 port, behind bearer authentication. */
  static Tomcat serve(jakarta.servlet.http.HttpServlet servlet, Path base) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setHostname("127.0.0.1");
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("", null);
    Tomcat.addServlet(ctx, "mcp", servlet).setAsyncSupported(true);
    ctx.addServletMappingDecoded("/mcp", "mcp");
    FilterDef auth = new FilterDef();
    auth.setFilterName("auth");
    auth.setFilter(bearerAuthentication());
    auth.setAsyncSupported("true");
    ctx.addFilterDef(auth);
    FilterMap map = new FilterMap();
    map.setFilterName("auth");
    map.addURLPattern("/*");
    ctx.addFilterMap(map);
    tomcat.start();
    return tomcat;
  }

  /** Alice, Bob and Carol get support tasks (tickets.* only); Mallory is authenticated but gets none. */
  static Optional<TaskSpec> taskFor(McpCaller caller) {
    String p = caller.principal().orElseThrow();
    if (p.equals("mallory")) {
      return Optional.empty();
    }
    String[] scopes = p.equals("admin") ? new String[] {"tickets.*", "admin.*"} : new String[] {"tickets.*"};
    return Optional.of(TaskSpec.builder(AGENT).onBehalfOf("user:" + p).purpose("support for " + p)
        .scopes(scopes).ttl(Duration.ofMinutes(10)).build());
  }

  /**
   * As {@link #taskFor}, except for principal {@code leaker}: its mapping is an application bug that
   * starts a support task of the guard on the server thread, leaves it bound there, and gives the
   * caller no task.
   */
  private Optional<TaskSpec> taskOrLeak(McpCaller caller) {
    if (caller.principal().orElseThrow().equals("leaker")) {
      leaked.add(guard.startTask(TaskSpec.builder(AGENT).onBehalfOf("user:leaker").scopes("tickets.*").build()).id());
      return Optional.empty();
    }
    return taskFor(caller);
  }

  private SyncToolSpecification tool(String name, String inputSchema, String outputSchema) {
    McpSchema.Tool.Builder t = McpSchema.Tool.builder().name(name).description(name)
        .inputSchema(io.modelcontextprotocol.json.McpJsonDefaults.getMapper(), inputSchema);
    if (outputSchema != null) {
      t.outputSchema(io.modelcontextprotocol.json.McpJsonDefaults.getMapper(), outputSchema);
    }
    return SyncToolSpecification.builder().tool(t.build()).callHandler((exchange, request) -> {
      runs.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      String task = guard.currentTask().map(x -> x.id()).orElse("none");
      seen.add(name + " " + task + " " + exchange.transportContext().get(CallerExtractor.PRINCIPAL));
      CallToolResult.Builder r = CallToolResult.builder().addTextContent("ok " + name + " " + task);
      if (outputSchema != null) {
        r.structuredContent(Map.of("open", 3));
      }
      return r.build();
    }).build();
  }

  private static Filter bearerAuthentication() {
    return (request, response, chain) -> {
      HttpServletRequest http = (HttpServletRequest) request;
      String header = http.getHeader("Authorization");
      if (header != null && header.startsWith("Bearer token-")) {
        String name = header.substring("Bearer token-".length());
        Principal principal = () -> name;
        chain.doFilter(new HttpServletRequestWrapper(http) {
          @Override
          public Principal getUserPrincipal() {
            return principal;
          }
        }, response);
      } else {
        chain.doFilter(request, response);
      }
    };
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** An initialized SDK client authenticated as {@code principal} (null: no credentials at all). */
  McpSyncClient client(String principal) {
    HttpRequest.Builder rb = HttpRequest.newBuilder();
    if (principal != null) {
      rb.header("Authorization", "Bearer token-" + principal);
    }
    McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(url()).endpoint("/mcp")
            .requestBuilder(rb).build())
        .requestTimeout(Duration.ofSeconds(20)).build();
    c.initialize();
    synchronized (clients) {
      clients.add(c);
    }
    return c;
  }

  static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
    return new McpSchema.CallToolRequest(tool, args);
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  int runs(String tool) {
    AtomicInteger n = runs.get(tool);
    return n == null ? 0 : n.get();
  }

  /** Waits (bounded) for the asynchronous audit pipeline to deliver an event matching {@code p}. */
  Optional<AuditEvent> awaitEvent(Predicate<AuditEvent> p) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Optional<AuditEvent> e = audit.events().stream().filter(p).findFirst();
      if (e.isPresent() || System.nanoTime() > deadline) {
        return e;
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  /** Flushes the audit trail (closes the guard) and returns every event. */
  List<AuditEvent> flushedEvents() {
    guard.close();
    return audit.events();
  }

  @Override
  public void close() throws Exception {
    synchronized (clients) {
      for (McpSyncClient c : clients) {
        c.close();
      }
    }
    server.close();
    tomcat.stop();
    tomcat.destroy();
    guard.close();
    try (var files = Files.walk(base)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public long millis() {
      return now.toEpochMilli();
    }
  }
}
