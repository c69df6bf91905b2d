package dev.agentguard.mcp;

import dev.agentguard.core.AgentGuard;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
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
 * A stateless MCP server (Java SDK 2.1, stateless streamable HTTP) whose every tool is decided by an
 * {@link AgentGuard} per caller before its handler runs. The stateless counterpart of
 * {@link GuardedMcpServer}, with the same guarantees; without sessions, every {@code tools/call}
 * runs under a task of its own ({@link TaskScope#REQUEST}), started from the request's principal and
 * closed after the call.
 *
 * <p>Tools are added only as guarded tools; a same-name {@link #addTool} is refused; the SDK server
 * is never handed out; {@link Builder#build()} fails when the SDK customizer registered a tool. Thread-safe.
 *
 * @since 0.2.0
 */
public final class GuardedStatelessMcpServer implements AutoCloseable {
  private final McpStatelessAsyncServer server;
  private final HttpServletStatelessServerTransport transport;
  private final ToolGate gate;
  private final ToolRegistry registry;

  private GuardedStatelessMcpServer(McpStatelessAsyncServer server, HttpServletStatelessServerTransport transport,
      ToolGate gate, ToolRegistry registry) {
    this.server = server;
    this.transport = transport;
    this.gate = gate;
    this.registry = registry;
  }

  /** A builder for a stateless server guarded by {@code guard}. */
  public static Builder builder(AgentGuard guard) {
    return new Builder(guard);
  }

  /** The stateless HTTP transport, a servlet: register it at the MCP endpoint behind the application's HTTP security. */
  public HttpServlet servlet() {
    return transport;
  }

  /**
   * Adds a guarded tool at run time.
   *
   * @throws IllegalArgumentException if a tool of that name is registered (remove it first)
   */
  public void addTool(SyncToolSpecification spec, McpToolMetadata meta) {
    AsyncToolSpecification guarded = guard(gate, Objects.requireNonNull(spec, "spec"), meta);
    registry.register(spec.tool().name(), meta, () -> server.addTool(guarded).block());
  }

  /** Adds a guarded tool at run time, metadata {@linkplain McpToolMetadata#fromAnnotations derived}. */
  public void addTool(SyncToolSpecification spec) {
    addTool(spec, McpToolMetadata.fromAnnotations(spec.tool()));
  }

  /** Adds a guarded asynchronous tool at run time; see {@link #addTool(SyncToolSpecification, McpToolMetadata)}. */
  public void addAsyncTool(AsyncToolSpecification spec, McpToolMetadata meta) {
    AsyncToolSpecification guarded = guard(gate, Objects.requireNonNull(spec, "spec"), meta);
    registry.register(spec.tool().name(), meta, () -> server.addTool(guarded).block());
  }

  /** Removes a tool; idempotent. */
  public void removeTool(String name) {
    Objects.requireNonNull(name, "name");
    registry.unregister(name, () -> server.removeTool(name).block());
  }

  /** The registered tools (all of them, unfiltered). */
  public List<McpSchema.Tool> listTools() {
    return server.listTools().collectList().block();
  }

  /** Closes the server gracefully. */
  public void closeGracefully() {
    server.closeGracefully().block();
  }

  /** Closes the server. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  private static AsyncToolSpecification guard(ToolGate gate, SyncToolSpecification spec, McpToolMetadata meta) {
    BiFunction<McpTransportContext, McpSchema.CallToolRequest, CallToolResult> handler = spec.callHandler();
    return guarded(gate, spec.tool(), meta, context -> request -> handler.apply(context, request));
  }

  private static AsyncToolSpecification guard(ToolGate gate, AsyncToolSpecification spec, McpToolMetadata meta) {
    BiFunction<McpTransportContext, McpSchema.CallToolRequest, Mono<CallToolResult>> handler = spec.callHandler();
    return guarded(gate, spec.tool(), meta, context -> request -> handler.apply(context, request).block());
  }

  private static AsyncToolSpecification guarded(ToolGate gate, McpSchema.Tool tool, McpToolMetadata meta,
      Function<McpTransportContext, Function<McpSchema.CallToolRequest, CallToolResult>> run) {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(meta, "meta");
    return AsyncToolSpecification.builder().tool(tool)
        .callHandler((context, request) -> Mono.fromCallable(() -> gate.call(CallerExtractor.caller(context, null),
            tool, meta, request, run.apply(context))).subscribeOn(Schedulers.boundedElastic()))
        .build();
  }

  /**
   * Configures a {@link GuardedStatelessMcpServer}. Each single-valued setting may be given once.
   * Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final AgentGuard guard;
    private final GuardSettings settings = new GuardSettings();
    private Consumer<HttpServletStatelessServerTransport.Builder> transport;
    private Consumer<McpServer.StatelessAsyncSpecification> server;

    private Builder(AgentGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** Maps callers to their per-request tasks (required). */
    public Builder tasks(McpTaskMapper mapper) {
      settings.tasks(mapper);
      return this;
    }

    /** How to read the authenticated principal's name; by default {@code request.getUserPrincipal().getName()}. */
    public Builder principal(Function<HttpServletRequest, String> principal) {
      settings.principal(principal);
      return this;
    }

    /** Customizes the SDK's stateless HTTP transport; its context extractor is the adapter's, set after this runs. */
    public Builder transport(Consumer<HttpServletStatelessServerTransport.Builder> customizer) {
      GuardSettings.once(this.transport, "transport");
      this.transport = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** Customizes the SDK's server specification; tools must not be registered here ({@link #build()} fails). */
    public Builder server(Consumer<McpServer.StatelessAsyncSpecification> customizer) {
      GuardSettings.once(this.server, "server");
      this.server = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** The JSON-schema validator for tool inputs; by default the SDK's. */
    public Builder jsonSchemaValidator(JsonSchemaValidator validator) {
      settings.validator(validator);
      return this;
    }

    /** Adds a guarded tool with declared metadata. */
    public Builder tool(SyncToolSpecification spec, McpToolMetadata meta) {
      settings.tool(spec, meta);
      return this;
    }

    /** Adds a guarded tool, metadata derived from its annotations. */
    public Builder tool(SyncToolSpecification spec) {
      return tool(spec, McpToolMetadata.fromAnnotations(Objects.requireNonNull(spec, "spec").tool()));
    }

    /** Adds a guarded asynchronous tool with declared metadata. */
    public Builder asyncTool(AsyncToolSpecification spec, McpToolMetadata meta) {
      settings.tool(spec, meta);
      return this;
    }

    /**
     * Builds the server.
     *
     * @throws IllegalStateException if no task mapper is set, or the server customizer registered a tool
     * @throws IllegalArgumentException if two tools share a name
     */
    public GuardedStatelessMcpServer build() {
      GuardSettings.Wiring w = settings.wire(guard, TaskScope.REQUEST);
      HttpServletStatelessServerTransport.Builder t = HttpServletStatelessServerTransport.builder();
      if (transport != null) {
        transport.accept(t);
      }
      HttpServletStatelessServerTransport provider = t.contextExtractor(w.extractor).build();
      McpServer.StatelessAsyncSpecification spec = McpServer.async(provider);
      if (server != null) {
        server.accept(spec);
      }
      List<AsyncToolSpecification> specs = settings.guardedTools(w, (tool, meta) -> tool instanceof SyncToolSpecification
          ? guard(w.gate, (SyncToolSpecification) tool, meta) : guard(w.gate, (AsyncToolSpecification) tool, meta),
          s -> s.tool().name());
      McpStatelessAsyncServer built = spec.validateToolInputs(false) // validated inside the guarded handler
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
      return new GuardedStatelessMcpServer(built, provider, w.gate, w.registry);
    }
  }
}
