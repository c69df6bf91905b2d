package dev.agentguard.mcp;

import dev.agentguard.core.AgentGuard;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The settings both guarded server builders share, and the parts they wire from them: the caller
 * tasks, the gate, the transport's context extractor and the tool registry. Not thread-safe.
 */
final class GuardSettings {
  private McpTaskMapper mapper;
  private Function<HttpServletRequest, String> principal;
  private JsonSchemaValidator validator;
  private final List<Object> specs = new ArrayList<>();
  private final List<McpToolMetadata> metas = new ArrayList<>();

  /** The wired parts of one server. */
  static final class Wiring {
    final CallerTasks tasks;
    final ToolGate gate;
    final JsonSchemaValidator schemas;
    final CallerExtractor extractor;
    final ToolRegistry registry = new ToolRegistry();

    private Wiring(CallerTasks tasks, ToolGate gate, JsonSchemaValidator schemas, CallerExtractor extractor) {
      this.tasks = tasks;
      this.gate = gate;
      this.schemas = schemas;
      this.extractor = extractor;
    }
  }

  void tasks(McpTaskMapper mapper) {
    once(this.mapper, "tasks");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  void principal(Function<HttpServletRequest, String> principal) {
    once(this.principal, "principal");
    this.principal = Objects.requireNonNull(principal, "principal");
  }

  void validator(JsonSchemaValidator validator) {
    once(this.validator, "jsonSchemaValidator");
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  void tool(Object spec, McpToolMetadata meta) {
    specs.add(Objects.requireNonNull(spec, "spec"));
    metas.add(Objects.requireNonNull(meta, "meta"));
  }

  /** @throws IllegalStateException if no task mapper is set */
  Wiring wire(AgentGuard guard, TaskScope scope) {
    if (mapper == null) {
      throw new IllegalStateException("a task mapper is required: tasks(caller -> Optional.of(spec))");
    }
    CallerTasks tasks = new CallerTasks(guard, mapper, scope);
    JsonSchemaValidator schemas = validator != null ? validator : McpJsonDefaults.getSchemaValidator();
    CallerExtractor extractor = new CallerExtractor(principal != null ? principal : CallerExtractor::principalName,
        tasks::sessionEnded);
    return new Wiring(tasks, new ToolGate(guard, tasks, schemas), schemas, extractor);
  }

  /**
   * The tools given so far, each guarded by {@code guard} and registered in {@code wiring}'s registry.
   *
   * @throws IllegalArgumentException if two tools share a name
   */
  <S> List<S> guardedTools(Wiring wiring, BiFunction<Object, McpToolMetadata, S> guard, Function<S, String> name) {
    List<S> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      S guarded = guard.apply(specs.get(i), metas.get(i));
      wiring.registry.register(name.apply(guarded), metas.get(i), () -> out.add(guarded));
    }
    return out;
  }

  static void once(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " set twice");
    }
  }
}
