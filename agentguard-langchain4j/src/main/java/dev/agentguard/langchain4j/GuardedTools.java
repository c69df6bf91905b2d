package dev.agentguard.langchain4j;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.DenyCode;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.GuardedMethod;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionErrorHandler;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs LangChain4j {@code @Tool} methods through an {@link AgentGuard}, so that every tool call an
 * {@code AiServices} agent makes is authorized, audited and redacted like a call through
 * {@link AgentGuard#protect}.
 *
 * <pre>{@code
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .toolProvider(GuardedTools.provider(guard, new TicketTools(), new EmailTools()))
 *     .build();
 * try (AgentTask task = guard.startTask(spec)) {
 *   assistant.chat("Summarise ticket T-1");
 * }
 * }</pre>
 *
 * <h2>Tools</h2>
 * Every {@code @Tool} method of the given objects (declared on their classes, superclasses or as
 * interface default methods) must also carry {@code @AgentTool}: a LangChain4j tool without an
 * AgentGuard name and risk is refused with an {@link IllegalArgumentException} when the tools are
 * built, never run unguarded, because there is no safe default risk to assume for it. Methods with
 * {@code @AgentTool} but no {@code @Tool} are not offered to the model. The model sees the
 * LangChain4j specification ({@code @Tool} name and description, {@code @P} parameters); policies,
 * scopes and the audit trail see the {@code @AgentTool} name.
 *
 * <h2>Three forms</h2>
 * <ul>
 *   <li>{@link #provider(AgentGuard, Object...)} / {@link #toolProvider()}: a {@link ToolProvider}
 *       that, for each AI-service invocation, offers the model only the tools whose
 *       {@code @AgentTool} name the scopes of the task bound to the calling thread cover (no task:
 *       no tools), and decides each execution under that task on whatever thread LangChain4j runs
 *       it, so {@code executeToolsConcurrently()} needs nothing more.
 *   <li>{@link #toolExecutors(AgentTask)}: a fixed map for {@code AiServices.tools(Map)} bound to
 *       one task when the AI service is built (an AI service per conversation or session, with a
 *       task from {@code AgentGuard.openTask}): the tools in its scopes, each execution decided
 *       under it on any thread, so {@code executeToolsConcurrently()} needs nothing more.
 *   <li>{@link #wrap(AgentGuard, Object...)} / {@link #toolExecutors()}: a fixed map for
 *       {@code AiServices.tools(Map)} shared by every task; every tool is offered, and each
 *       execution is decided under the task bound to the thread that runs it. With
 *       {@code executeToolsConcurrently}, pass {@link #propagateTask(AgentGuard, Executor)} so the
 *       pool threads get the caller's task; without it (including plain
 *       {@code executeToolsConcurrently()}) they have none, every concurrent call is denied
 *       {@code NO_TASK} and recorded, and the first such denial logs one warning naming the fixes.
 *       A shared map cannot carry the caller's task itself: LangChain4j 1.19 copies its executors
 *       when the AI service is built and calls nothing of it on the calling thread before handing
 *       the calls to its pool.
 * </ul>
 *
 * <h2>Denials</h2>
 * By default a denied call does not end the conversation: the model receives the tool result
 * {@code "DENIED <CODE>: <one-line reason>"} (see {@link #denialText(DenyCode)}), marked as an error,
 * with no rule ids, policy text or argument values, so it can re-plan. With
 * {@link Builder#denialsThrow(boolean) denialsThrow(true)} the executor throws the guard's
 * {@link AccessDeniedException} instead; LangChain4j hands executor exceptions to its
 * {@code ToolExecutionErrorHandler}, so install {@link #rethrowDenials()} for the exception to end
 * the AI-service call. Either way the guard has recorded the decision in the audit trail.
 *
 * <p>Arguments are the model's JSON, converted to the method's parameter types as LangChain4j
 * converts them ({@code @P} names and defaults, {@code Optional}, injected {@code @ToolMemoryId},
 * {@code InvocationParameters} and {@code InvocationContext}); {@code @Attr} and {@code @Redact}
 * then apply to the converted values (copied once, so the tool runs on what was decided). A value
 * that converts to NaN or an infinity (the model's {@code "NaN"}, {@code "Infinity"}, or
 * {@code 1e999}) is refused, never coerced. Arguments that do not convert end in LangChain4j's
 * {@code ToolArgumentsException} before any decision is made; an exception of the tool body ends in
 * its {@code ToolExecutionException}.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class GuardedTools {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedTools.class);

  private final AgentGuard guard;
  private final List<Entry> entries;
  private final Map<ToolSpecification, ToolExecutor> executors;
  private final ToolProvider provider;

  private record Entry(ToolSpecification spec, GuardedToolExecutor executor, ReturnBehavior returnBehavior) {}

  private GuardedTools(AgentGuard guard, List<Entry> entries) {
    this.guard = guard;
    this.entries = List.copyOf(entries);
    Map<ToolSpecification, ToolExecutor> map = new LinkedHashMap<>();
    for (Entry e : this.entries) {
      map.put(e.spec(), e.executor());
    }
    this.executors = Collections.unmodifiableMap(map);
    this.provider = this::provideFor;
  }

  /**
   * The tools of {@code toolObjects} as a map for {@code AiServices.builder(..).tools(map)}: every
   * tool is offered to the model and each call is decided under the task bound to the executing
   * thread. Same as {@code builder(guard).tools(toolObjects).build().toolExecutors()}.
   *
   * @throws IllegalArgumentException if an object has no {@code @Tool} method, a {@code @Tool} method
   *     lacks {@code @AgentTool} or is misdeclared, or two tools share a LangChain4j name
   * @throws NullPointerException if {@code guard} or an object is null
   */
  public static Map<ToolSpecification, ToolExecutor> wrap(AgentGuard guard, Object... toolObjects) {
    return builder(guard).tools(toolObjects).build().toolExecutors();
  }

  /**
   * The tools of {@code toolObjects} as a {@link ToolProvider} for
   * {@code AiServices.builder(..).toolProvider(provider)}: per invocation it offers only the tools
   * in the scopes of the calling thread's task and decides their calls under that task. Same as
   * {@code builder(guard).tools(toolObjects).build().toolProvider()}.
   *
   * @throws IllegalArgumentException as {@link #wrap(AgentGuard, Object...)}
   * @throws NullPointerException if {@code guard} or an object is null
   */
  public static ToolProvider provider(AgentGuard guard, Object... toolObjects) {
    return builder(guard).tools(toolObjects).build().toolProvider();
  }

  /**
   * A builder for tools with options.
   *
   * @throws NullPointerException if {@code guard} is null
   */
  public static Builder builder(AgentGuard guard) {
    return new Builder(Objects.requireNonNull(guard, "guard"));
  }

  /**
   * An executor for {@code AiServices.executeToolsConcurrently(executor)} that runs each submitted
   * task under the {@link AgentTask} of {@code guard} bound to the thread that submits it (LangChain4j
   * submits from the thread running the AI-service call), so tools run on pool threads are decided
   * under the caller's task. A submission from a thread with no task runs with none (and guarded
   * calls in it are denied {@code NO_TASK}). Thread-safe when {@code delegate} is.
   *
   * @throws NullPointerException if an argument is null
   */
  public static Executor propagateTask(AgentGuard guard, Executor delegate) {
    Objects.requireNonNull(guard, "guard");
    Objects.requireNonNull(delegate, "delegate");
    return command -> {
      Optional<AgentTask> task = guard.currentTask();
      delegate.execute(task.isPresent() ? task.get().wrap(command) : command);
    };
  }

  /**
   * A {@code ToolExecutionErrorHandler} for {@code AiServices.toolExecutionErrorHandler(..)} that
   * rethrows an {@link AccessDeniedException} (so that with {@code denialsThrow(true)} a denial ends
   * the AI-service call) and, like LangChain4j's default, returns the message of any other error to
   * the model. Thread-safe.
   */
  public static ToolExecutionErrorHandler rethrowDenials() {
    return (error, context) -> {
      Throwable raw = context.rawError();
      if (error instanceof AccessDeniedException denied) {
        throw denied;
      }
      if (raw instanceof AccessDeniedException denied) {
        throw denied;
      }
      String message = error == null ? null : error.getMessage();
      LOG.debug("tool {} failed, its error goes back to the model", context.toolExecutionRequest().name(), error);
      return ToolErrorHandlerResult.text(message == null || message.isBlank()
          ? (error == null ? "unknown error" : error.getClass().getName())
          : message);
    };
  }

  /**
   * The tool result the model receives for a denied call: {@code "DENIED <CODE>: <reason>"}, one
   * line, the same for every call with that code, e.g.
   * {@code "DENIED OUT_OF_SCOPE: this tool is not available to the current task"}. It never holds
   * rule ids, policy text, argument values or credentials.
   *
   * @throws NullPointerException if {@code code} is null
   */
  public static String denialText(DenyCode code) {
    return DenialText.of(code);
  }

  /** Every tool, as a map for {@code AiServices.tools(Map)}; unmodifiable, in a stable order. */
  public Map<ToolSpecification, ToolExecutor> toolExecutors() {
    return executors;
  }

  /**
   * The tools in the scopes of {@code task}, as a map for {@code AiServices.tools(Map)} whose
   * executors decide every call under {@code task} on whatever thread runs it: the map form for an
   * AI service built for one task (a conversation or a session, typically opened with
   * {@code AgentGuard.openTask}), which then works with {@code executeToolsConcurrently()} on any
   * executor, LangChain4j's own pool included, without {@link #propagateTask}. The task is captured
   * here, when the AI service is built; a call after it closed is denied {@code NO_TASK} and
   * recorded, and it is never decided under another task bound to the executing thread. Do not share
   * such a map, or an AI service built with it, between tasks: every call through it runs as
   * {@code task}.
   *
   * @return unmodifiable, in a stable order; empty when the task is closed
   * @throws NullPointerException if {@code task} is null
   * @since 0.2.0
   */
  public Map<ToolSpecification, ToolExecutor> toolExecutors(AgentTask task) {
    Objects.requireNonNull(task, "task");
    Map<ToolSpecification, ToolExecutor> map = new LinkedHashMap<>();
    if (task.isOpen()) {
      for (Entry e : entries) {
        if (task.inScope(e.executor().tool())) {
          map.put(e.spec(), e.executor().boundTo(task));
        }
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * A provider that offers, per AI-service invocation, only the tools in the scopes of the task of
   * this guard bound to the calling thread, and decides their calls under that task.
   */
  public ToolProvider toolProvider() {
    return provider;
  }

  /** The specifications of every tool, in a stable order (unmodifiable). */
  public List<ToolSpecification> toolSpecifications() {
    return List.copyOf(executors.keySet());
  }

  /**
   * The specifications of the tools whose {@code @AgentTool} name the scopes of {@code task} cover:
   * what {@link #toolProvider()} offers the model while {@code task} is bound. Empty when the task
   * is closed.
   *
   * @throws NullPointerException if {@code task} is null
   */
  public List<ToolSpecification> toolSpecificationsInScope(AgentTask task) {
    Objects.requireNonNull(task, "task");
    List<ToolSpecification> specs = new ArrayList<>();
    if (task.isOpen()) {
      for (Entry e : entries) {
        if (task.inScope(e.executor().tool())) {
          specs.add(e.spec());
        }
      }
    }
    return List.copyOf(specs);
  }

  private ToolProviderResult provideFor(dev.langchain4j.service.tool.ToolProviderRequest request) {
    ToolProviderResult.Builder result = ToolProviderResult.builder();
    Optional<AgentTask> bound = guard.currentTask();
    if (bound.isEmpty() || !bound.get().isOpen()) {
      LOG.debug("no open task bound to this thread: no guarded tools offered");
      return result.build();
    }
    AgentTask task = bound.get();
    for (Entry e : entries) {
      if (task.inScope(e.executor().tool())) {
        result.add(e.spec(), e.executor().boundTo(task), e.returnBehavior());
      }
    }
    return result.build();
  }

  /**
   * Collects tool objects and options for {@link GuardedTools}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final AgentGuard guard;
    private final List<Object> objects = new ArrayList<>();
    private Boolean denialsThrow;

    private Builder(AgentGuard guard) {
      this.guard = guard;
    }

    /**
     * Adds objects whose {@code @Tool} methods become guarded tools; may be called several times.
     *
     * @throws NullPointerException if the array or an object is null
     * @throws IllegalArgumentException if an object is a {@link Class} or an {@link Iterable}
     *     (pass the tool objects themselves)
     */
    public Builder tools(Object... toolObjects) {
      Objects.requireNonNull(toolObjects, "toolObjects");
      for (Object o : toolObjects) {
        Objects.requireNonNull(o, "tool object");
        if (o instanceof Class<?> c) {
          throw new IllegalArgumentException("pass a tool object, not the class " + c.getName());
        }
        if (o instanceof Iterable<?>) {
          throw new IllegalArgumentException("pass tool objects directly, not a collection ("
              + o.getClass().getName() + ")");
        }
        objects.add(o);
      }
      return this;
    }

    /**
     * Whether a denied call throws the guard's {@link AccessDeniedException} out of the tool
     * executor instead of returning the denial text to the model; default false. Install
     * {@link GuardedTools#rethrowDenials()} as the AI service's tool execution error handler for
     * the exception to end the AI-service call.
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
     * Resolves every tool once: LangChain4j specification, AgentGuard metadata, argument binding.
     *
     * @throws IllegalStateException if no tool object was added
     * @throws IllegalArgumentException if an object has no {@code @Tool} method, a {@code @Tool}
     *     method lacks {@code @AgentTool}, is static or misdeclared, or two tools share a
     *     LangChain4j name
     */
    public GuardedTools build() {
      if (objects.isEmpty()) {
        throw new IllegalStateException("no tool objects: call tools(...) first");
      }
      boolean throwing = Boolean.TRUE.equals(denialsThrow);
      AtomicBoolean noTaskHintLogged = new AtomicBoolean();
      List<Entry> entries = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (Object target : objects) {
        List<Method> methods = toolMethods(target.getClass());
        if (methods.isEmpty()) {
          throw new IllegalArgumentException(target.getClass().getName() + " has no @Tool method");
        }
        for (Method m : methods) {
          Entry e = entry(target, m, throwing, noTaskHintLogged);
          if (!names.add(e.spec().name())) {
            throw new IllegalArgumentException("two tools are named '" + e.spec().name()
                + "' for the model (last one: " + describe(m) + "); give one a distinct @Tool(name)");
          }
          entries.add(e);
        }
      }
      return new GuardedTools(guard, entries);
    }

    private Entry entry(Object target, Method m, boolean throwing, AtomicBoolean noTaskHintLogged) {
      if (Modifier.isStatic(m.getModifiers())) {
        throw new IllegalArgumentException("@Tool method " + describe(m) + " is static; use an instance method");
      }
      if (m.getAnnotation(AgentTool.class) == null) {
        throw new IllegalArgumentException("@Tool method " + describe(m) + " has no @AgentTool: every LangChain4j"
            + " tool run through GuardedTools must declare its AgentGuard name and risk, because a tool"
            + " without a declared risk has no safe default. Annotate it with @AgentTool(value = \"...\","
            + " risk = ...) or leave its object out of GuardedTools");
      }
      GuardedMethod guarded = guard.guardMethod(target, m);
      ToolSpecification spec = ToolSpecifications.toolSpecificationFrom(m);
      ToolArguments args = ToolArguments.of(spec.name(), m);
      GuardedToolExecutor executor =
          new GuardedToolExecutor(spec.name(), guarded, args, m.getReturnType() == void.class, throwing, null,
              noTaskHintLogged);
      return new Entry(spec, executor, m.getAnnotation(Tool.class).returnBehavior());
    }
  }

  /**
   * The {@code @Tool} methods of a class: declared on it, its superclasses and as default methods of
   * its interfaces; an overriding method hides the one it overrides.
   */
  static List<Method> toolMethods(Class<?> type) {
    List<Method> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<Class<?>> interfaces = new ArrayDeque<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      collect(c, seen, found);
      interfaces.addAll(Arrays.asList(c.getInterfaces()));
    }
    Set<Class<?>> visited = new HashSet<>();
    while (!interfaces.isEmpty()) {
      Class<?> i = interfaces.poll();
      if (visited.add(i)) {
        collect(i, seen, found);
        interfaces.addAll(Arrays.asList(i.getInterfaces()));
      }
    }
    return found;
  }

  private static void collect(Class<?> c, Set<String> seen, List<Method> found) {
    Method[] declared = c.getDeclaredMethods();
    Arrays.sort(declared, (a, b) -> a.toString().compareTo(b.toString()));
    for (Method m : declared) {
      if (m.isBridge() || m.isSynthetic()) {
        continue;
      }
      String signature = m.getName() + Arrays.toString(m.getParameterTypes());
      boolean first = Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || seen.add(signature);
      if (!first || Modifier.isAbstract(m.getModifiers()) || !m.isAnnotationPresent(Tool.class)) {
        continue;
      }
      found.add(m);
    }
  }

  private static String describe(Method m) {
    return m.getDeclaringClass().getName() + "." + m.getName()
        + Arrays.toString(m.getParameterTypes()).replace('[', '(').replace(']', ')');
  }
}
