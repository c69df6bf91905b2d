package dev.agentguard.springai;

import dev.agentguard.AgentTask;
import dev.agentguard.core.AgentGuard;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.core.Ordered;

/**
 * The two {@code ChatClient} advisors that make guarded tools work on every path of Spring AI 2.0's
 * tool loop ({@link ToolCallingAdvisor}); add both with
 * {@code ChatClient.Builder.defaultAdvisors(AgentGuardAdvisors.of(guard))}.
 *
 * <ol>
 *   <li><b>The task advisor</b>, ordered just before the {@code ToolCallingAdvisor}: finds the
 *       request's task and puts it into the request's tool context under
 *       {@link GuardedToolCallbacks#TASK_CONTEXT_KEY}, so every guarded call of the request is
 *       decided under it on whatever thread runs it ({@code call()} on the caller's thread,
 *       {@code stream()} on Reactor's {@code boundedElastic} threads, a custom
 *       {@code ToolCallingManager}'s executor). The task is, in this order: one the application put
 *       into the tool context itself ({@link GuardedToolCallbacks#toolContext(AgentTask)}); the
 *       advisor parameter {@link #TASK} ({@code .advisors(a -> a.param(AgentGuardAdvisors.TASK,
 *       task))}); for {@code stream()}, the Reactor context entry {@link #TASK}
 *       ({@code .contextWrite(Context.of(AgentGuardAdvisors.TASK, task))}); the task of the guard
 *       bound to the thread that runs {@code call()} or subscribes to {@code stream()}. With none,
 *       every guarded call is denied {@code NO_TASK}. It also refuses the request (an
 *       {@link IllegalStateException} before the model is called) when a tool callback in the
 *       request's options is not a {@link GuardedToolCallback}, from whichever source it came
 *       ({@code .tools(..)}, {@code .toolCallbacks(..)}, {@code .options(..)}, the builder's
 *       defaults or the model's default options), unless unguarded tools are allowed.
 *   <li><b>The scope advisor</b>, ordered just before the model call (inside the tool loop): removes
 *       from the tool definitions sent to the model every guarded tool the task's scopes do not
 *       cover (all of them without an open task). The tool loop itself still holds those
 *       callbacks, so a model that calls a hidden tool by name gets the guard's denial, recorded in
 *       the audit trail, instead of ending the conversation with Spring AI's "No ToolCallback
 *       found". It also refuses unguarded callbacks that a {@code ToolCallingAdvisor} subclass
 *       added for the round, unless unguarded tools are allowed.
 * </ol>
 *
 * <p>Thread-safe (the advisors are stateless).
 *
 * @since 0.2.0
 */
public final class AgentGuardAdvisors {
  /** The advisor parameter and Reactor context key that name the request's {@link AgentTask}. */
  public static final String TASK = "dev.agentguard.task";

  private AgentGuardAdvisors() {}

  /**
   * Both advisors, for a {@code ToolCallingAdvisor} at its default order, refusing unguarded tools.
   *
   * @throws NullPointerException if {@code guard} is null
   */
  public static List<Advisor> of(AgentGuard guard) {
    return builder(guard).build();
  }

  /**
   * A builder with options.
   *
   * @throws NullPointerException if {@code guard} is null
   */
  public static Builder builder(AgentGuard guard) {
    return new Builder(Objects.requireNonNull(guard, "guard"));
  }

  /**
   * Options for {@link AgentGuardAdvisors}. Each setting may be given once. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final AgentGuard guard;
    private Integer toolCallingAdvisorOrder;
    private Boolean allowUnguardedTools;

    private Builder(AgentGuard guard) {
      this.guard = guard;
    }

    /**
     * The order of the chat client's {@code ToolCallingAdvisor} (default
     * {@link ToolCallingAdvisor#DEFAULT_ORDER}; in Spring Boot the property
     * {@code spring.ai.chat.client.tool-calling.advisor-order}); the task advisor is placed just
     * before it.
     *
     * @throws IllegalStateException if set twice
     * @throws IllegalArgumentException if there is no room before it or after it
     */
    public Builder toolCallingAdvisorOrder(int order) {
      if (toolCallingAdvisorOrder != null) {
        throw new IllegalStateException("toolCallingAdvisorOrder set twice");
      }
      if (order <= Ordered.HIGHEST_PRECEDENCE + 1 || order >= ScopeAdvisor.ORDER) {
        throw new IllegalArgumentException("toolCallingAdvisorOrder " + order + " leaves no room for the"
            + " AgentGuard advisors: it must lie between " + (Ordered.HIGHEST_PRECEDENCE + 1) + " and "
            + ScopeAdvisor.ORDER + ", exclusive");
      }
      toolCallingAdvisorOrder = order;
      return this;
    }

    /**
     * Whether requests may carry tool callbacks that are not guarded (they run unguarded and are
     * offered to the model unchanged); default false: such a request fails before the model is
     * called.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder allowUnguardedTools(boolean allow) {
      if (allowUnguardedTools != null) {
        throw new IllegalStateException("allowUnguardedTools set twice");
      }
      allowUnguardedTools = allow;
      return this;
    }

    /** The task advisor and the scope advisor, in that order. */
    public List<Advisor> build() {
      int tca = toolCallingAdvisorOrder == null ? ToolCallingAdvisor.DEFAULT_ORDER : toolCallingAdvisorOrder;
      boolean allow = Boolean.TRUE.equals(allowUnguardedTools);
      return List.of(new TaskAdvisor(guard, tca - 1, allow), new ScopeAdvisor(guard, allow));
    }
  }

  /** Throws if a callback of {@code callbacks} is not guarded. */
  static void refuseUnguarded(List<ToolCallback> callbacks) {
    if (callbacks == null) {
      return;
    }
    for (ToolCallback cb : callbacks) {
      if (!(cb instanceof GuardedToolCallback)) {
        throw new IllegalStateException("tool '" + cb.getToolDefinition().name() + "' (" + cb.getClass().getName()
            + ") is not guarded by AgentGuard, so the request was not sent: build it with GuardedToolCallbacks"
            + " (from(guard, toolObject) or wrap(guard, callback, binding)) instead of .tools(..) or a plain"
            + " ToolCallback, or allow unguarded tools explicitly");
      }
    }
  }
}
