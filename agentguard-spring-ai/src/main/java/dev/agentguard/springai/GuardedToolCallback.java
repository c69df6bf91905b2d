package dev.agentguard.springai;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.GuardedMethod;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolCallResultConverter;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.metadata.ToolMetadata;
import org.springframework.ai.tool.support.ToolDefinitions;
import org.springframework.ai.tool.support.ToolUtils;
import org.springframework.ai.util.JsonHelper;
import org.springframework.util.ClassUtils;

/**
 * A Spring AI {@link ToolCallback} whose every execution is decided by an {@link AgentGuard} first:
 * task, credential, scope, limits, policy, audit. A denied call never reaches the tool; the model
 * receives the one-line {@link DenialText} as the tool result, or, when denials throw, Spring AI's
 * exception processor receives a {@link ToolExecutionException} caused by a
 * {@link ToolCallDeniedException}.
 *
 * <p>The call is decided under the task found in the {@link ToolContext} under
 * {@link GuardedToolCallbacks#TASK_CONTEXT_KEY} (put there by the {@link AgentGuardAdvisors} or by
 * the application), else under the task bound to the executing thread, else it is denied
 * {@code NO_TASK}. That key is removed from the context before the tool sees it; every other entry
 * is forwarded, and so is {@link #getToolMetadata()} ({@code returnDirect}).
 *
 * <p>Built by {@link GuardedToolCallbacks}. Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class GuardedToolCallback implements ToolCallback {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedToolCallback.class);
  private static final JsonHelper JSON = new JsonHelper();

  /** Runs the tool under the guard, on the thread the task is bound to. */
  private interface Execution {
    String run(String input, @Nullable ToolContext forwarded) throws Exception;
  }

  private final String tool;
  private final ToolDefinition definition;
  private final ToolMetadata metadata;
  private final boolean denialsThrow;
  private final Execution execution;

  private GuardedToolCallback(String tool, ToolDefinition definition, ToolMetadata metadata, boolean denialsThrow,
      Execution execution) {
    this.tool = tool;
    this.definition = definition;
    this.metadata = metadata;
    this.denialsThrow = denialsThrow;
    this.execution = execution;
  }

  /** A guarded callback for one {@code @Tool} + {@code @AgentTool} method of {@code target}. */
  static GuardedToolCallback ofMethod(AgentGuard guard, Object target, Method method, boolean denialsThrow) {
    GuardedMethod guarded = guard.guardMethod(target, agentToolMethod(method, target.getClass()));
    ToolDefinition definition = ToolDefinitions.from(method);
    MethodArguments arguments = new MethodArguments(method);
    ToolCallResultConverter converter = ToolUtils.getToolCallResultConverter(method);
    Type returnType = method.getGenericReturnType();
    Execution execution = (input, forwarded) -> {
      Object[] args;
      try {
        args = arguments.bind(input, forwarded);
      } catch (IllegalArgumentException e) {
        throw new ToolExecutionException(definition, e);
      }
      Object result;
      try {
        result = guarded.invoke(args);
      } catch (AccessDeniedException | Error e) {
        throw e;
      } catch (Throwable e) {
        // as MethodToolCallback: what the tool threw goes to Spring AI's exception processor
        throw new ToolExecutionException(definition, e);
      }
      return converter.convert(result, returnType);
    };
    return new GuardedToolCallback(guarded.tool(), definition, ToolMetadata.from(method), denialsThrow, execution);
  }

  /**
   * The method whose {@code @AgentTool} the guard reads: {@code method} itself when annotated, else
   * the interface method it implements that is (the guard then merges the implementation's
   * parameter annotations, as {@link AgentGuard#protect} does).
   */
  static Method agentToolMethod(Method method, Class<?> type) {
    if (method.isAnnotationPresent(AgentTool.class)) {
      return method;
    }
    for (Class<?> iface : ClassUtils.getAllInterfacesForClassAsSet(type)) {
      try {
        Method declared = iface.getMethod(method.getName(), method.getParameterTypes());
        if (declared.isAnnotationPresent(AgentTool.class)) {
          return declared;
        }
      } catch (NoSuchMethodException e) {
        // not this interface's method
      }
    }
    return method;
  }

  /** A guarded wrapper of {@code delegate}, decided on the attributes {@code binding} maps. */
  static GuardedToolCallback ofDelegate(AgentGuard guard, ToolCallback delegate, ToolBinding binding,
      boolean denialsThrow) {
    Objects.requireNonNull(delegate, "callback");
    Objects.requireNonNull(binding, "binding");
    if (delegate instanceof GuardedToolCallback g) {
      throw new IllegalArgumentException("tool " + g.definition.name() + " is already guarded (as " + g.tool + ")");
    }
    ToolDefinition definition = delegate.getToolDefinition();
    Execution execution = (input, forwarded) -> {
      ToolRequest request;
      try {
        request = request(binding, input);
      } catch (IllegalArgumentException e) {
        throw new ToolExecutionException(definition, e);
      }
      return guard.call(request, () -> delegate.call(input, forwarded));
    };
    return new GuardedToolCallback(binding.tool(), definition, delegate.getToolMetadata(), denialsThrow, execution);
  }

  private static ToolRequest request(ToolBinding binding, String input) {
    ToolRequest.Builder b = binding.request();
    if (binding.attributes().isEmpty()) {
      return b.build();
    }
    Map<String, Object> json;
    try {
      json = JSON.fromJsonToMap(input == null || input.isBlank() ? "{}" : input);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the tool arguments are not a JSON object", e);
    }
    for (Map.Entry<String, String> e : binding.attributes().entrySet()) {
      Object value = json.get(e.getKey());
      if (value == null) {
        continue; // absent: a condition on it cannot be evaluated, which fails closed
      }
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)
          || !MethodArguments.finite(value, 0)) {
        throw new IllegalArgumentException("argument '" + e.getKey() + "' must be a string, a finite number or a boolean");
      }
      b.attribute(e.getValue(), value);
    }
    return b.build();
  }

  /** The AgentGuard tool name (what policies, scopes and the audit trail see). */
  public String tool() {
    return tool;
  }

  /** The Spring AI definition the model sees (name, description, input schema), unchanged. */
  @Override
  public ToolDefinition getToolDefinition() {
    return definition;
  }

  /** The Spring AI metadata of the tool ({@code returnDirect}), unchanged. */
  @Override
  public ToolMetadata getToolMetadata() {
    return metadata;
  }

  /** As {@link #call(String, ToolContext)} with no context: decided under the thread's task. */
  @Override
  public String call(String toolInput) {
    return call(toolInput, null);
  }

  /**
   * Decides the call and, when allowed, runs the tool.
   *
   * @return the tool's result, or the denial text when denied and denials do not throw
   * @throws ToolExecutionException when the arguments do not convert, when the tool failed, or (with
   *     a {@link ToolCallDeniedException} cause) when denied and denials throw
   */
  @Override
  public String call(String toolInput, @Nullable ToolContext toolContext) {
    String input = toolInput == null || toolInput.isBlank() ? "{}" : toolInput;
    AgentTask task = taskIn(toolContext);
    ToolContext forwarded = withoutTask(toolContext);
    Callable<String> run = () -> execution.run(input, forwarded);
    try {
      return task == null ? run.call() : task.wrap(run).call();
    } catch (AccessDeniedException denied) {
      LOG.debug("tool {} ({}) denied: {}", definition.name(), tool, denied.code());
      if (denialsThrow) {
        throw new ToolExecutionException(definition, new ToolCallDeniedException(denied));
      }
      return DenialText.of(denied.decision());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ToolExecutionException(definition, e);
    }
  }

  private static @Nullable AgentTask taskIn(@Nullable ToolContext context) {
    if (context == null) {
      return null;
    }
    return context.getContext().get(GuardedToolCallbacks.TASK_CONTEXT_KEY) instanceof AgentTask t ? t : null;
  }

  private static @Nullable ToolContext withoutTask(@Nullable ToolContext context) {
    if (context == null || !context.getContext().containsKey(GuardedToolCallbacks.TASK_CONTEXT_KEY)) {
      return context;
    }
    Map<String, Object> copy = new HashMap<>(context.getContext());
    copy.remove(GuardedToolCallbacks.TASK_CONTEXT_KEY);
    return new ToolContext(copy);
  }

  @Override
  public String toString() {
    return "GuardedToolCallback{" + definition.name() + " -> " + tool + "}";
  }
}
