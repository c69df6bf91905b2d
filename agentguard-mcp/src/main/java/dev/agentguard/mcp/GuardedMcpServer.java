package dev.agentguard.mcp;

import dev.agentguard.core.AgentGuard;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An MCP server (Java SDK 2.1, streamable HTTP) whose every tool is decided by an {@link AgentGuard}
 * per caller before its handler runs.
 *
 * <p>Each {@code tools/call} runs under the AgentGuard task the caller's principal maps to
 * ({@link McpTaskMapper}), taken from the per-request transport context, never from the session; a
 * task belongs to one (session, principal), and a request in that session from another principal is
 * denied. A denied call never runs its handler and answers {@code isError: true} with
 * {@link dev.agentguard.core.DenialText}; the decision is in the audit trail. {@code tools/list}
 * shows a caller only the tools its task's scopes hold; a hidden tool called by name is still
 * decided (and denied). Arguments are checked against the tool's input schema inside the guarded
 * handler, with the SDK's validator and message, so a rejected call is recorded too.
 *
 * <p>There is no way to register an unguarded tool through this type: tools are added only as
 * guarded tools, the SDK server is never handed out, a same-name {@link #addTool} is refused instead
 * of replacing the guarded tool, and {@link Builder#build()} fails when the SDK specification
 * customizer registered a tool of its own.
 *
 * <p>Handlers run on Reactor {@code boundedElastic} threads; the caller's task is bound around each
 * handler run and unbound after it. Thread-safe.
 *
 * <pre>{@code
 * GuardedMcpServer server = GuardedMcpServer.builder(guard)
 *     .tasks(caller -> Optional.of(TaskSpec.builder(agent).onBehalfOf("user:" + caller.principal().get())
 *         .scopes("tickets.*").ttl(Duration.ofMinutes(15)).build()))
 *     .transport(t -> t.mcpEndpoint("/mcp").securityValidator(DefaultServerTransportSecurityValidator.builder()
 *         .allowedOrigin("https://app.example").allowedHost("mcp.example:443").build()))
 *     .tool(readTicketSpec, McpToolMetadata.builder("tickets.read").action("read").risk(Risk.LOW)
 *         .bind("ticket", "resource.id").build())
 *     .build();
 * // register server.servlet() at /mcp in the servlet container, behind the application's HTTP security
 * }</pre>
 *
 * @since 0.2.0
 */
public final class GuardedMcpServer implements AutoCloseable {
  private final McpAsyncServer server;
  private final HttpServletStreamableServerTransportProvider transport;
  private final CallerTasks tasks;
  private final ToolGate gate;
  private final ToolRegistry registry;

  private GuardedMcpServer(McpAsyncServer server, HttpServletStreamableServerTransportProvider transport,
      CallerTasks tasks, ToolGate gate, ToolRegistry registry) {
    this.server = server;
    this.transport = transport;
    this.tasks = tasks;
    this.gate = gate;
    this.registry = registry;
  }

  /** A builder for a server guarded by {@code guard}. */
  public static Builder builder(AgentGuard guard) {
    return new Builder(guard);
  }

  /**
   * The streamable HTTP transport, a servlet: register it (async-supported) at the MCP endpoint
   * behind the application's HTTP security, which must set the request's user principal (or give the
   * builder a {@linkplain Builder#principal principal function}).
   */
  public HttpServlet servlet() {
    return transport;
  }

  /**
   * Adds a guarded tool at run time.
   *
   * @throws IllegalArgumentException if a tool of that name is registered (remove it first: a guarded
   *     tool is never replaced silently)
   */
  public void addTool(SyncToolSpecification spec, McpToolMetadata meta) {
    register(guard(gate, Objects.requireNonNull(spec, "spec"), meta), meta);
  }

  /** Adds a guarded tool at run time, metadata {@linkplain McpToolMetadata#fromAnnotations derived}. */
  public void addTool(SyncToolSpecification spec) {
    addTool(spec, McpToolMetadata.fromAnnotations(spec.tool()));
  }

  /** Adds a guarded asynchronous tool at run time; see {@link #addTool(SyncToolSpecification, McpToolMetadata)}. */
  public void addAsyncTool(AsyncToolSpecification spec, McpToolMetadata meta) {
    register(guard(gate, Objects.requireNonNull(spec, "spec"), meta), meta);
  }

  /** Adds a guarded asynchronous tool at run time, metadata derived from its annotations. */
  public void addAsyncTool(AsyncToolSpecification spec) {
    addAsyncTool(spec, McpToolMetadata.fromAnnotations(spec.tool()));
  }

  /** Removes a tool; idempotent. Clients learn of it after {@link #notifyToolsListChanged()}. */
  public void removeTool(String name) {
    Objects.requireNonNull(name, "name");
    registry.unregister(name, () -> server.removeTool(name).block());
  }

  /** The registered tools (all of them, unfiltered). */
  public List<McpSchema.Tool> listTools() {
    return server.listTools().collectList().block();
  }

  /** Tells connected clients that the tool list changed. */
  public void notifyToolsListChanged() {
    server.notifyToolsListChanged().block();
  }

  /** Closes the sessions gracefully, then every session's task. */
  public void closeGracefully() {
    try {
      server.closeGracefully().block();
    } finally {
      tasks.closeAll();
    }
  }

  /** Closes the server and every session's task. Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      tasks.closeAll();
    }
  }

  private void register(AsyncToolSpecification guarded, McpToolMetadata meta) {
    registry.register(guarded.tool().name(), meta, () -> server.addTool(guarded).block());
  }

  private static AsyncToolSpecification guard(ToolGate gate, SyncToolSpecification spec, McpToolMetadata meta) {
    BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, CallToolResult> handler = spec.callHandler();
    return guarded(gate, spec.tool(), meta,
        exchange -> request -> handler.apply(new McpSyncServerExchange(exchange), request));
  }

  private static AsyncToolSpecification guard(ToolGate gate, AsyncToolSpecification spec, McpToolMetadata meta) {
    BiFunction<McpAsyncServerExchange, McpSchema.CallToolRequest, Mono<CallToolResult>> handler = spec.callHandler();
    // blocks on a boundedElastic thread, inside the task binding, so the decision covers the whole run
    return guarded(gate, spec.tool(), meta, exchange -> request -> handler.apply(exchange, request).block());
  }

  /** The SDK specification whose handler decides through {@code gate}, on a boundedElastic thread, then runs {@code run}. */
  private static AsyncToolSpecification guarded(ToolGate gate, McpSchema.Tool tool, McpToolMetadata meta,
      Function<McpAsyncServerExchange, Function<McpSchema.CallToolRequest, CallToolResult>> run) {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(meta, "meta");
    return AsyncToolSpecification.builder().tool(tool)
        .callHandler((exchange, request) -> Mono.fromCallable(() -> gate.call(
            CallerExtractor.caller(exchange.transportContext(), exchange.sessionId()), tool, meta, request,
            run.apply(exchange))).subscribeOn(Schedulers.boundedElastic()))
        .build();
  }

  /**
   * Configures a {@link GuardedMcpServer}. Each single-valued setting may be given once. Not
   * thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final AgentGuard guard;
    private final GuardSettings settings = new GuardSettings();
    private TaskScope scope;
    private Consumer<HttpServletStreamableServerTransportProvider.Builder> transport;
    private Consumer<McpServer.AsyncSpecification<?>> server;

    private Builder(AgentGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** Maps callers to their tasks (required). */
    public Builder tasks(McpTaskMapper mapper) {
      settings.tasks(mapper);
      return this;
    }

    /** A task per session (the default) or per request. */
    public Builder taskScope(TaskScope scope) {
      GuardSettings.once(this.scope, "taskScope");
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * How to read the authenticated principal's name from an HTTP request; by default
     * {@code request.getUserPrincipal().getName()}. Null or blank means no principal.
     */
    public Builder principal(Function<HttpServletRequest, String> principal) {
      settings.principal(principal);
      return this;
    }

    /**
     * Customizes the SDK's streamable HTTP transport (endpoint, security validator, keep-alive ...).
     * Its context extractor is the adapter's and is set after this runs.
     */
    public Builder transport(Consumer<HttpServletStreamableServerTransportProvider.Builder> customizer) {
      GuardSettings.once(this.transport, "transport");
      this.transport = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * Customizes the SDK's server specification (server info, instructions, resources, prompts,
     * capabilities ...). Tools must not be registered here: {@link #build()} fails if any is. Input
     * validation, the schema validator and the tool filter are the adapter's and are set after this runs.
     */
    public Builder server(Consumer<McpServer.AsyncSpecification<?>> customizer) {
      GuardSettings.once(this.server, "server");
      this.server = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** The JSON-schema validator for tool inputs; by default the SDK's ({@code McpJsonDefaults}). */
    public Builder jsonSchemaValidator(JsonSchemaValidator validator) {
      settings.validator(validator);
      return this;
    }

    /** Adds a guarded tool with declared metadata. */
    public Builder tool(SyncToolSpecification spec, McpToolMetadata meta) {
      settings.tool(spec, meta);
      return this;
    }

    /** Adds a guarded tool, metadata {@linkplain McpToolMetadata#fromAnnotations derived} from its annotations. */
    public Builder tool(SyncToolSpecification spec) {
      return tool(spec, McpToolMetadata.fromAnnotations(Objects.requireNonNull(spec, "spec").tool()));
    }

    /** Adds a guarded asynchronous tool with declared metadata. */
    public Builder asyncTool(AsyncToolSpecification spec, McpToolMetadata meta) {
      settings.tool(spec, meta);
      return this;
    }

    /** Adds a guarded asynchronous tool, metadata derived from its annotations. */
    public Builder asyncTool(AsyncToolSpecification spec) {
      return asyncTool(spec, McpToolMetadata.fromAnnotations(Objects.requireNonNull(spec, "spec").tool()));
    }

    /**
     * Builds the server.
     *
     * @throws IllegalStateException if no task mapper is set, or the server customizer registered a tool
     * @throws IllegalArgumentException if two tools share a name
     */
    public GuardedMcpServer build() {
      GuardSettings.Wiring w = settings.wire(guard, scope == null ? TaskScope.SESSION : scope);
      HttpServletStreamableServerTransportProvider.Builder t = HttpServletStreamableServerTransportProvider.builder();
      if (transport != null) {
        transport.accept(t);
      }
      HttpServletStreamableServerTransportProvider provider = t.contextExtractor(w.extractor).build();
      McpServer.AsyncSpecification<?> spec = McpServer.async(provider);
      if (server != null) {
        server.accept(spec);
      }
      List<AsyncToolSpecification> specs = settings.guardedTools(w, (tool, meta) -> (tool instanceof SyncToolSpecification
          ? guard(w.gate, (SyncToolSpecification) tool, meta) : guard(w.gate, (AsyncToolSpecification) tool, meta)),
          s -> s.tool().name());
      McpAsyncServer built = spec.validateToolInputs(false) // validated inside the guarded handler: recorded
          .jsonSchemaValidator(w.schemas)
          .tools(specs)
          .addToolFilter(w.registry.listFilter(w.gate))
          .build();
      try {
        w.registry.verify(built.listTools().collectList().block());
      } catch (IllegalStateException e) {
        built.close();
        throw e;
      }
      return new GuardedMcpServer(built, provider, w.tasks, w.gate, w.registry);
    }
  }
}
