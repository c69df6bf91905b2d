package dev.agentguard.springai;

import dev.agentguard.AgentTask;
import dev.agentguard.core.AgentGuard;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import reactor.core.publisher.Flux;
import reactor.util.context.ContextView;

/**
 * Puts the request's task into its tool context and refuses unguarded tool callbacks; see
 * {@link AgentGuardAdvisors}. Immutable and thread-safe.
 */
final class TaskAdvisor implements CallAdvisor, StreamAdvisor {
  private final AgentGuard guard;
  private final int order;
  private final boolean allowUnguarded;

  TaskAdvisor(AgentGuard guard, int order, boolean allowUnguarded) {
    this.guard = guard;
    this.order = order;
    this.allowUnguarded = allowUnguarded;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    return chain.nextCall(prepare(request, null));
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.deferContextual(reactor -> chain.nextStream(prepare(request, reactor)));
  }

  private ChatClientRequest prepare(ChatClientRequest request, @Nullable ContextView reactor) {
    if (!(request.prompt().getOptions() instanceof ToolCallingChatOptions options)) {
      return request;
    }
    if (!allowUnguarded) {
      AgentGuardAdvisors.refuseUnguarded(options.getToolCallbacks());
    }
    if (options.getToolContext() != null
        && options.getToolContext().get(GuardedToolCallbacks.TASK_CONTEXT_KEY) instanceof AgentTask) {
      return request;
    }
    AgentTask task = task(request, reactor);
    if (task == null) {
      return request;
    }
    ToolCallingChatOptions withTask = options.mutate().toolContext(GuardedToolCallbacks.TASK_CONTEXT_KEY, task).build();
    return request.mutate().prompt(new Prompt(request.prompt().getInstructions(), withTask)).build();
  }

  private @Nullable AgentTask task(ChatClientRequest request, @Nullable ContextView reactor) {
    if (request.context().get(AgentGuardAdvisors.TASK) instanceof AgentTask t) {
      return t;
    }
    if (reactor != null && reactor.getOrDefault(AgentGuardAdvisors.TASK, null) instanceof AgentTask t) {
      return t;
    }
    return guard.currentTask().orElse(null);
  }

  @Override
  public String getName() {
    return "AgentGuard task advisor";
  }

  @Override
  public int getOrder() {
    return order;
  }
}
