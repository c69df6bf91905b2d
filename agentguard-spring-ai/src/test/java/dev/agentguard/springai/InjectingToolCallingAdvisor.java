package dev.agentguard.springai;

import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;

/** A tool loop that adds a callback to every round, as Spring AI's tool-search advisor does. */
final class InjectingToolCallingAdvisor extends ToolCallingAdvisor {
  private final ToolCallback extra;

  InjectingToolCallingAdvisor(ToolCallback extra) {
    super(ToolCallingManager.builder().build(), DEFAULT_TOOL_EXECUTION_ELIGIBILITY_CHECKER, DEFAULT_ORDER, true);
    this.extra = extra;
  }

  @Override
  protected ChatClientRequest doBeforeCall(ChatClientRequest request, CallAdvisorChain chain) {
    ToolCallingChatOptions options = (ToolCallingChatOptions) request.prompt().getOptions();
    List<ToolCallback> callbacks = new ArrayList<>(options.getToolCallbacks());
    callbacks.add(extra);
    return request.mutate()
        .prompt(new Prompt(request.prompt().getInstructions(), options.mutate().toolCallbacks(callbacks).build()))
        .build();
  }
}
