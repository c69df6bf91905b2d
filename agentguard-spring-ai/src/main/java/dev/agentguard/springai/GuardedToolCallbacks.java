package dev.agentguard.springai;

import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.DenialText;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.metadata.ToolMetadata;
import org.springframework.ai.tool.resolution.ToolCallbackResolver;
import org.springframework.ai.tool.method.MethodToolCallback;
import org.springframework.ai.tool.support.ToolDefinitions;
import org.springframework.ai.tool.support.ToolUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Guarded Spring AI tools, in the style of Spring AI's own {@code ToolCallbacks.from(...)}: every
 * execution is authorized by an {@link AgentGuard} under the current task, and a denied call never
 * runs.
 *
 * <pre>{@code
 * ChatClient chat = ChatClient.builder(chatModel)
 *     .defaultAdvisors(AgentGuardAdvisors.of(guard))          // task on every thread, tool hiding
 *     .defaultTools(GuardedToolCallbacks.from(guard, new TicketTools()))
 *     .build();
 * try (AgentTask task = guard.startTask(spec)) {
 *   chat.prompt("Summarise ticket T-1").call().content();
 * }
 * }</pre>
 *
 * <h2>Tool objects</h2>
 * The tools of an object are its {@code @Tool} methods, found as Spring AI finds them (declared on
 * its class, or its target class for an AOP proxy). Each must also carry {@code @AgentTool} (on the
 * method or on the interface method it implements), with {@code @Attr} and {@code @Redact} on its
 * parameters as for {@link AgentGuard#protect}: a {@code @Tool} without {@code @AgentTool} is
 * refused with an {@link IllegalArgumentException} when the tools are built, because there is no
 * safe default risk to assume for it, unless {@link Builder#unannotatedTools(Risk)} gives one
 * explicitly. The model sees Spring AI's definition ({@code @Tool} name, description,
 * {@code @ToolParam} schema); policies, scopes and the audit trail see the {@code @AgentTool} name.
 * Arguments are converted from the model's JSON as Spring AI's {@code MethodToolCallback} converts
 * them, and {@code @Attr} binds the converted values, so the guard decides on exactly what the
 * method receives; a number that is not finite ({@code "NaN"}, {@code "Infinity"}) is refused.
 *
 * <h2>Existing callbacks</h2>
 * {@link #wrap(AgentGuard, ToolCallback, ToolBinding)} and
 * {@link Builder#callbacks(ToolCallbackProvider, Map)} guard any {@link ToolCallback} (an MCP client's,
 * a {@code FunctionToolCallback}) under a declared {@link ToolBinding}.
 *
 * <h2>Denials</h2>
 * By default the model receives {@code "DENIED <CODE>: <reason>"} ({@link #denialText(DenyCode)})
 * as the tool result and can re-plan. With {@link Builder#denialsThrow(boolean) denialsThrow(true)}
 * the callback throws a {@code ToolExecutionException} caused by a {@link ToolCallDeniedException},
 * which Spring AI's exception processor turns into the same text, or rethrows (ending the call) when
 * it is configured to.
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.2.0
 */
public final class GuardedToolCallbacks {
  /**
   * The {@code ToolContext} key under which a guarded callback looks for the {@link AgentTask} to
   * decide under; {@link AgentGuardAdvisors} put the request's task there. The entry is removed
   * before the tool sees its context.
   */
  public static final String TASK_CONTEXT_KEY = "dev.agentguard.task";

  private static final Logger LOG = LoggerFactory.getLogger(GuardedToolCallbacks.class);

  private GuardedToolCallbacks() {}

  /**
   * Guarded callbacks for the {@code @Tool} methods of {@code toolObjects}, for
   * {@code ChatClient.Builder.defaultTools(...)} or {@code .tools(...)} of a request.
   *
   * @throws IllegalArgumentException if an object has no {@code @Tool} method, a {@code @Tool}
   *     method lacks {@code @AgentTool} or is misdeclared, or two tools share a name
   * @throws NullPointerException if an argument is null
   */
  public static ToolCallback[] from(AgentGuard guard, Object... toolObjects) {
    return builder(guard).tools(toolObjects).build().getToolCallbacks();
  }

  /**
   * As {@link #from(AgentGuard, Object...)}, as a provider.
   *
   * @throws IllegalArgumentException as {@link #from(AgentGuard, Object...)}
   */
  public static ToolCallbackProvider provider(AgentGuard guard, Object... toolObjects) {
    return builder(guard).tools(toolObjects).build();
  }

  /**
   * Guards an existing callback under {@code binding}; the definition and metadata the model and
   * Spring AI see are the delegate's.
   *
   * @throws IllegalArgumentException if {@code callback} is already guarded
   * @throws NullPointerException if an argument is null
   */
  public static ToolCallback wrap(AgentGuard guard, ToolCallback callback, ToolBinding binding) {
    return GuardedToolCallback.ofDelegate(Objects.requireNonNull(guard, "guard"), callback, binding, false);
  }

  /**
   * The tool result the model receives for a denied call, the same for every adapter:
   * {@code "DENIED <CODE>: <reason>"}.
   *
   * @throws NullPointerException if {@code code} is null
   */
  public static String denialText(DenyCode code) {
    return DenialText.of(code);
  }

  /**
   * A tool context holding {@code task}, for {@code ChatClient.prompt().toolContext(...)}: the calls of
   * that request are decided under {@code task} whatever thread runs them.
   *
   * @throws NullPointerException if {@code task} is null
   */
  public static Map<String, Object> toolContext(AgentTask task) {
    return Map.of(TASK_CONTEXT_KEY, Objects.requireNonNull(task, "task"));
  }

  /**
   * A resolver for Spring AI's tool resolution fallback ({@code ToolCallingManager.builder()
   * .toolCallbackResolver(..).resolutionFallbackEnabled(true)}) that resolves only guarded tools:
   * a name {@code delegate} resolves to an unguarded callback resolves to nothing (so Spring AI
   * ends the request with "No ToolCallback found" instead of running it). A guarded tool resolved
   * this way is still decided under the request's task. Thread-safe when {@code delegate} is.
   *
   * @throws NullPointerException if {@code delegate} is null
   */
  public static ToolCallbackResolver guardedOnly(ToolCallbackResolver delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return name -> {
      ToolCallback cb = delegate.resolve(name);
      if (cb == null || cb instanceof GuardedToolCallback) {
        return cb;
      }
      LOG.warn("tool resolution fallback found an unguarded callback for a tool the request did not carry;"
          + " it is not run ({})", cb.getClass().getName());
      return null;
    };
  }

  /**
   * A builder for guarded tools with options.
   *
   * @throws NullPointerException if {@code guard} is null
   */
  public static Builder builder(AgentGuard guard) {
    return new Builder(Objects.requireNonNull(guard, "guard"));
  }

  /**
   * The {@code @Tool} methods of a tool object, as Spring AI's {@code MethodToolCallbackProvider}
   * finds them: declared on its class (its target class for an AOP proxy), user-declared, not
   * returning a functional type.
   */
  static List<Method> toolMethods(Object toolObject) {
    Class<?> type = AopUtils.isAopProxy(toolObject) ? AopUtils.getTargetClass(toolObject) : toolObject.getClass();
    List<Method> methods = new ArrayList<>();
    Method[] declared = ReflectionUtils.getDeclaredMethods(type);
    Arrays.sort(declared, (a, b) -> a.toString().compareTo(b.toString()));
    for (Method m : declared) {
      if (AnnotationUtils.findAnnotation(m, Tool.class) == null
          || !ReflectionUtils.USER_DECLARED_METHODS.matches(m)
          || Function.class.isAssignableFrom(m.getReturnType())
          || Supplier.class.isAssignableFrom(m.getReturnType())
          || Consumer.class.isAssignableFrom(m.getReturnType())) {
        continue;
      }
      methods.add(m);
    }
    return methods;
  }

  /** Whether {@code m} or a method it implements carries {@code @AgentTool}. */
  static boolean hasAgentTool(Method m) {
    return AnnotationUtils.findAnnotation(m, AgentTool.class) != null;
  }

  private static String describe(Method m) {
    return m.getDeclaringClass().getName() + "." + m.getName()
        + Arrays.toString(m.getParameterTypes()).replace('[', '(').replace(']', ')');
  }

  /**
   * Collects tool objects, callbacks and options. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final AgentGuard guard;
    private final List<Object> objects = new ArrayList<>();
    private final Map<ToolCallback, ToolBinding> callbacks = new LinkedHashMap<>();
    private final Map<ToolCallbackProvider, Map<String, ToolBinding>> providers = new LinkedHashMap<>();
    private Boolean denialsThrow;
    private Risk unannotatedRisk;

    private Builder(AgentGuard guard) {
      this.guard = guard;
    }

    /**
     * Adds objects whose {@code @Tool} methods become guarded tools; may be called several times.
     *
     * @throws NullPointerException if an object is null
     * @throws IllegalArgumentException if an object is a {@link Class}, an {@link Iterable}, a
     *     {@link ToolCallback} or a {@link ToolCallbackProvider}
     */
    public Builder tools(Object... toolObjects) {
      Objects.requireNonNull(toolObjects, "toolObjects");
      for (Object o : toolObjects) {
        Objects.requireNonNull(o, "tool object");
        if (o instanceof Class<?> || o instanceof Iterable<?>) {
          throw new IllegalArgumentException("pass tool objects themselves, not " + o.getClass().getName());
        }
        if (o instanceof ToolCallback || o instanceof ToolCallbackProvider) {
          throw new IllegalArgumentException(o.getClass().getName() + " is a callback or provider: guard it with"
              + " callback(callback, binding) or callbacks(provider, bindings)");
        }
        objects.add(o);
      }
      return this;
    }

    /**
     * Adds an existing callback, guarded under {@code binding}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the callback was added before
     */
    public Builder callback(ToolCallback callback, ToolBinding binding) {
      Objects.requireNonNull(callback, "callback");
      Objects.requireNonNull(binding, "binding");
      if (callbacks.putIfAbsent(callback, binding) != null) {
        throw new IllegalArgumentException("callback " + callback.getToolDefinition().name() + " added twice");
      }
      return this;
    }

    /**
     * Adds every callback of {@code provider} (asked again for each request, so a provider whose
     * tools change, like an MCP client's, stays current), each guarded under the binding of its
     * Spring AI tool name in {@code bindings}. A tool of the provider without a binding is not
     * offered to the model (and a warning is logged), never run unguarded.
     *
     * @throws NullPointerException if an argument, a key or a value is null
     */
    public Builder callbacks(ToolCallbackProvider provider, Map<String, ToolBinding> bindings) {
      Objects.requireNonNull(provider, "provider");
      providers.put(provider, Map.copyOf(Objects.requireNonNull(bindings, "bindings")));
      return this;
    }

    /**
     * Whether a denied call throws a {@code ToolExecutionException} (caused by a
     * {@link ToolCallDeniedException}) instead of returning the denial text; default false.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder denialsThrow(boolean denialsThrow) {
      if (this.denialsThrow != null) {
        throw new IllegalStateException("denialsThrow set twice");
      }
      this.denialsThrow = denialsThrow;
      return this;
    }

    /**
     * Lets {@code @Tool} methods without {@code @AgentTool} through, guarded as the AgentGuard tool
     * of their Spring AI name, action {@code "invoke"}, sensitivity INTERNAL and this risk, with no
     * attribute bindings. Default: such methods are refused.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder unannotatedTools(Risk risk) {
      Objects.requireNonNull(risk, "risk");
      if (unannotatedRisk != null) {
        throw new IllegalStateException("unannotatedTools set twice");
      }
      this.unannotatedRisk = risk;
      return this;
    }

    /**
     * Resolves every tool object's methods once and returns a provider of all the guarded tools.
     *
     * @throws IllegalStateException if nothing was added
     * @throws IllegalArgumentException if an object has no {@code @Tool} method, a {@code @Tool}
     *     method lacks {@code @AgentTool} (and no default was given), is static or misdeclared, or two
     *     tools share a Spring AI name
     */
    public ToolCallbackProvider build() {
      if (objects.isEmpty() && callbacks.isEmpty() && providers.isEmpty()) {
        throw new IllegalStateException("no tools: call tools(...), callback(...) or callbacks(...) first");
      }
      boolean throwing = Boolean.TRUE.equals(denialsThrow);
      List<GuardedToolCallback> fixed = new ArrayList<>();
      for (Object target : objects) {
        List<Method> methods = toolMethods(target);
        if (methods.isEmpty()) {
          throw new IllegalArgumentException(target.getClass().getName() + " has no @Tool method");
        }
        for (Method m : methods) {
          fixed.add(guarded(target, m, throwing));
        }
      }
      callbacks.forEach((cb, binding) -> fixed.add(GuardedToolCallback.ofDelegate(guard, cb, binding, throwing)));
      Set<String> names = new HashSet<>();
      for (GuardedToolCallback g : fixed) {
        if (!names.add(g.getToolDefinition().name())) {
          throw new IllegalArgumentException("two tools are named '" + g.getToolDefinition().name()
              + "' for the model; give one a distinct @Tool(name)");
        }
      }
      return new Provider(guard, List.copyOf(fixed), Collections.unmodifiableMap(new LinkedHashMap<>(providers)), throwing);
    }

    private GuardedToolCallback guarded(Object target, Method m, boolean throwing) {
      if (Modifier.isStatic(m.getModifiers())) {
        throw new IllegalArgumentException("@Tool method " + describe(m) + " is static; use an instance method");
      }
      if (hasAgentTool(m)) {
        return GuardedToolCallback.ofMethod(guard, target, m, throwing);
      }
      if (unannotatedRisk == null) {
        throw new IllegalArgumentException("@Tool method " + describe(m) + " has no @AgentTool: every Spring AI"
            + " tool run through AgentGuard must declare its AgentGuard name and risk, because a tool without a"
            + " declared risk has no safe default. Annotate it with @AgentTool(value = \"...\", risk = ...),"
            + " or set GuardedToolCallbacks.builder(guard).unannotatedTools(risk) to guard it under its Spring AI"
            + " name");
      }
      ToolCallback plain = MethodToolCallback.builder()
          .toolDefinition(ToolDefinitions.from(m))
          .toolMetadata(ToolMetadata.from(m))
          .toolMethod(m)
          .toolObject(target)
          .toolCallResultConverter(ToolUtils.getToolCallResultConverter(m))
          .build();
      ToolBinding binding = ToolBinding.builder(plain.getToolDefinition().name()).risk(unannotatedRisk).build();
      return GuardedToolCallback.ofDelegate(guard, plain, binding, throwing);
    }
  }

  /** The built tools: fixed callbacks plus those of wrapped providers, wrapped per request. */
  private static final class Provider implements ToolCallbackProvider {
    private final AgentGuard guard;
    private final List<GuardedToolCallback> fixed;
    private final Map<ToolCallbackProvider, Map<String, ToolBinding>> providers;
    private final boolean denialsThrow;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    Provider(AgentGuard guard, List<GuardedToolCallback> fixed,
        Map<ToolCallbackProvider, Map<String, ToolBinding>> providers, boolean denialsThrow) {
      this.guard = guard;
      this.fixed = fixed;
      this.providers = providers;
      this.denialsThrow = denialsThrow;
    }

    @Override
    public ToolCallback[] getToolCallbacks() {
      if (providers.isEmpty()) {
        return fixed.toArray(ToolCallback[]::new);
      }
      List<ToolCallback> all = new ArrayList<>(fixed);
      providers.forEach((provider, bindings) -> {
        for (ToolCallback cb : provider.getToolCallbacks()) {
          String name = cb.getToolDefinition().name();
          ToolBinding binding = bindings.get(name);
          if (cb instanceof GuardedToolCallback g) {
            all.add(g);
          } else if (binding == null) {
            if (warned.add(name)) {
              LOG.warn("tool '{}' of {} has no ToolBinding: not offered to the model", name, provider.getClass().getName());
            }
          } else {
            all.add(GuardedToolCallback.ofDelegate(guard, cb, binding, denialsThrow));
          }
        }
      });
      return all.toArray(ToolCallback[]::new);
    }

    @Override
    public String toString() {
      return "GuardedToolCallbacks" + fixed;
    }
  }
}
