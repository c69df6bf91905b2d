package dev.agentguard.springai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
import reactor.core.publisher.Flux;

/**
 * A chat model with no network: for each conversation (keyed by the user message) it plays a script
 * of rounds, one per model call, and records what a real model would have been sent: the tool
 * definitions offered and the tool results. Thread-safe.
 */
final class ScriptedChatModel implements ChatModel {
  /** One model round: sees the tool results so far, answers with tool calls or text. */
  interface Round extends Function<List<String>, AssistantMessage> {}

  private final Map<String, List<Round>> scripts = new ConcurrentHashMap<>();
  private final List<List<String>> offered = Collections.synchronizedList(new ArrayList<>());
  private final List<String> toolResults = Collections.synchronizedList(new ArrayList<>());

  private volatile List<ToolCallback> defaults = List.of();

  /** Tool callbacks in the model's default options (as a vendor model's properties may put there). */
  ScriptedChatModel defaultTools(ToolCallback... callbacks) {
    defaults = List.of(callbacks);
    return this;
  }

  /** Plays {@code rounds} for the conversation whose user message is {@code user}. */
  ScriptedChatModel script(String user, Round... rounds) {
    scripts.put(user, List.of(rounds));
    return this;
  }

  /** A round that calls one tool. */
  static Round callTool(String name, String json) {
    return results -> AssistantMessage.builder()
        .content("")
        .toolCalls(List.of(new AssistantMessage.ToolCall("call-" + name + "-" + results.size(), "function", name, json)))
        .build();
  }

  /** A round that answers with the last tool result (or "no tool result"). */
  static Round answerWithLastResult() {
    return results -> AssistantMessage.builder()
        .content(results.isEmpty() ? "no tool result" : "final: " + results.get(results.size() - 1))
        .build();
  }

  /** The tool names offered to the model, per model call, in call order. */
  List<List<String>> offered() {
    return List.copyOf(offered);
  }

  /** Every tool result the model was sent (deduplicated per round: only the newest results). */
  List<String> toolResults() {
    return List.copyOf(toolResults);
  }

  @Override
  public ChatOptions getOptions() {
    return ToolCallingChatOptions.builder().toolCallbacks(defaults).build();
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    List<String> names = new ArrayList<>();
    if (prompt.getOptions() instanceof ToolCallingChatOptions o && o.getToolCallbacks() != null) {
      for (ToolCallback cb : o.getToolCallbacks()) {
        names.add(cb.getToolDefinition().name());
      }
    }
    offered.add(List.copyOf(names));
    List<String> results = new ArrayList<>();
    int rounds = 0;
    List<Message> messages = prompt.getInstructions();
    for (Message m : messages) {
      if (m instanceof AssistantMessage) {
        rounds++;
      }
      if (m instanceof ToolResponseMessage t) {
        for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
          results.add(r.responseData());
        }
      }
    }
    Message last = messages.get(messages.size() - 1);
    if (last instanceof ToolResponseMessage t) {
      t.getResponses().forEach(r -> toolResults.add(r.responseData()));
    }
    String user = prompt.getUserMessage().getText();
    List<Round> script = scripts.get(user);
    if (script == null || rounds >= script.size()) {
      throw new IllegalStateException("no scripted round " + rounds + " for '" + user + "'");
    }
    return new ChatResponse(List.of(new Generation(script.get(rounds).apply(results))));
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return Flux.defer(() -> Flux.just(call(prompt)));
  }
}
