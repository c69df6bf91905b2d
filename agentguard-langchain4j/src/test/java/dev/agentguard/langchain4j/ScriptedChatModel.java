package dev.agentguard.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A chat model that plays a script: each request gets the next scripted answer (tool calls or
 * text), and every request is kept so tests can assert on the tools offered and the tool results
 * the model received. No network.
 */
final class ScriptedChatModel implements ChatModel {
  private final List<Function<ChatRequest, AiMessage>> steps = new ArrayList<>();
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();

  /** Next answer: call these tools, {@code "name", "{json}", "name", "{json}", ...}. */
  ScriptedChatModel callTools(String... nameThenArguments) {
    List<ToolExecutionRequest> calls = new ArrayList<>();
    for (int i = 0; i < nameThenArguments.length; i += 2) {
      calls.add(ToolExecutionRequest.builder()
          .id("call-" + ids.incrementAndGet())
          .name(nameThenArguments[i])
          .arguments(nameThenArguments[i + 1])
          .build());
    }
    steps.add(request -> AiMessage.from(calls));
    return this;
  }

  /** Next answer: a final text built from the tool results of the previous round. */
  ScriptedChatModel answerWithToolResults(String prefix) {
    steps.add(request -> AiMessage.from(prefix + String.join(" | ", lastToolResults(request))));
    return this;
  }

  /** Next answer: a fixed text. */
  ScriptedChatModel answer(String text) {
    steps.add(request -> AiMessage.from(text));
    return this;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    requests.add(request);
    int i = next.getAndIncrement();
    if (i >= steps.size()) {
      throw new IllegalStateException("script exhausted after " + steps.size() + " answers");
    }
    return ChatResponse.builder().aiMessage(steps.get(i).apply(request)).build();
  }

  /** The tool names offered in request {@code i}. */
  List<String> offeredTools(int i) {
    ChatRequest r = requests.get(i);
    return r.toolSpecifications() == null ? List.of()
        : r.toolSpecifications().stream().map(s -> s.name()).collect(Collectors.toList());
  }

  /** The tool results in the last round of a request's messages. */
  static List<String> lastToolResults(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    List<String> results = new ArrayList<>();
    for (int i = messages.size() - 1; i >= 0 && messages.get(i) instanceof ToolExecutionResultMessage; i--) {
      results.add(0, ((ToolExecutionResultMessage) messages.get(i)).text());
    }
    return results;
  }

  /** All tool result messages of a request. */
  static List<ToolExecutionResultMessage> toolResults(ChatRequest request) {
    return request.messages().stream()
        .filter(m -> m instanceof ToolExecutionResultMessage)
        .map(m -> (ToolExecutionResultMessage) m)
        .collect(Collectors.toList());
  }
}
