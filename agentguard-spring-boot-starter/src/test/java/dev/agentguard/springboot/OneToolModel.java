package dev.agentguard.springboot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * A chat model with no network for the starter tests: the user message names a tool and its JSON
 * arguments ({@code "readTicket {\"id\":\"T-1\"}"}); the model calls it once, then answers with the
 * tool result. Records the tools it was offered. Thread-safe.
 */
final class OneToolModel implements ChatModel {
  final List<List<String>> offered = Collections.synchronizedList(new ArrayList<>());

  @Override
  public ChatOptions getOptions() {
    return ToolCallingChatOptions.builder().build();
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    List<String> names = new ArrayList<>();
    if (prompt.getOptions() instanceof ToolCallingChatOptions o && o.getToolCallbacks() != null) {
      for (ToolCallback cb : o.getToolCallbacks()) {
        names.add(cb.getToolDefinition().name());
      }
    }
    offered.add(names);
    List<Message> messages = prompt.getInstructions();
    Message last = messages.get(messages.size() - 1);
    AssistantMessage answer;
    if (last instanceof ToolResponseMessage t) {
      answer = AssistantMessage.builder().content(t.getResponses().get(0).responseData()).build();
    } else {
      String[] call = prompt.getUserMessage().getText().split(" ", 2);
      answer = AssistantMessage.builder().content("")
          .toolCalls(List.of(new AssistantMessage.ToolCall("c1", "function", call[0], call[1]))).build();
    }
    return new ChatResponse(List.of(new Generation(answer)));
  }
}
