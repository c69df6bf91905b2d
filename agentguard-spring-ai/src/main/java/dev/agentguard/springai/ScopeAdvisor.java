package dev.agentguard.springai;

import dev.agentguard.AgentTask;
import dev.agentguard.core.AgentGuard;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * Removes the guarded tools the request's task may not use from what the model is offered; see
 * {@link AgentGuardAdvisors}. Runs inside the tool loop, once per model round. Immutable and
 * thread-safe.
 */
final class ScopeAdvisor implements CallAdvisor, StreamAdvisor {
  /** Just before the model call advisors, which Spring AI orders at {@code LOWEST_PRECEDENCE}. */
  static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

  private final AgentGuard guard;
  private final boolean allowUnguarded;

  ScopeAdvisor(AgentGuard guard, boolean allowUnguarded) {
    this.guard = guard;
    this.allowUnguarded = allowUnguarded;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    return chain.nextCall(offered(request));
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return chain.nextStream(offered(request));
  }

  private ChatClientRequest offered(ChatClientRequest request) {
    if (!(request.prompt().getOptions() instanceof ToolCallingChatOptions options)
        || options.getToolCallbacks() == null || options.getToolCallbacks().isEmpty()) {
      return request;
    }
    if (!allowUnguarded) {
      // a ToolCallingAdvisor subclass may add callbacks per round, after the task advisor looked
      AgentGuardAdvisors.refuseUnguarded(options.getToolCallbacks());
    }
    AgentTask task = options.getToolContext() != null
        && options.getToolContext().get(GuardedToolCallbacks.TASK_CONTEXT_KEY) instanceof AgentTask t
        ? t : guard.currentTask().orElse(null);
    boolean open = task != null && task.isOpen();
    List<ToolCallback> all = options.getToolCallbacks();
    List<ToolCallback> visible = new ArrayList<>(all.size());
    for (ToolCallback cb : all) {
      if (!(cb instanceof GuardedToolCallback g) || (open && task.inScope(g.tool()))) {
        visible.add(cb);
      }
    }
    if (visible.size() == all.size()) {
      return request;
    }
    ToolCallingChatOptions narrowed = options.mutate().toolCallbacks(visible).build();
    return request.mutate().prompt(new Prompt(request.prompt().getInstructions(), narrowed)).build();
  }

  @Override
  public String getName() {
    return "AgentGuard scope advisor";
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
