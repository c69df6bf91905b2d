package dev.agentguard.examples.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A stand-in for an LLM, so the demo runs offline: it plays a fixed plan (read the ticket, try to
 * delete the duplicate, comment instead when refused, answer) and prints what it is offered and
 * what it receives, as a real model would see it.
 */
final class ScriptedSupportModel implements ChatModel {
  private final PrintStream out;
  private int turn;
  /** The tool names offered on each request. */
  final List<List<String>> offered = new ArrayList<>();
  /** Every tool result the model received. */
  final List<String> toolResults = new ArrayList<>();

  ScriptedSupportModel(PrintStream out) {
    this.out = out;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    List<String> tools = request.toolSpecifications() == null ? List.of()
        : request.toolSpecifications().stream().map(ToolSpecification::name).sorted().collect(Collectors.toList());
    offered.add(tools);
    List<String> results = lastToolResults(request.messages());
    toolResults.addAll(results);
    out.println("  model  <- offered tools " + tools);
    results.forEach(r -> out.println("  model  <- tool result: " + r));
    AiMessage reply;
    switch (turn++) {
      case 0:
        reply = call("readTicket", "{\"ticketId\":\"T-1\"}");
        break;
      case 1:
        reply = call("deleteTicket", "{\"ticketId\":\"T-1\"}");
        break;
      case 2:
        reply = results.stream().anyMatch(r -> r.startsWith("DENIED"))
            ? call("addComment", "{\"ticketId\":\"T-1\",\"text\":\"Duplicate of T-0, please merge. Contact dana@example.com\"}")
            : AiMessage.from("T-1 deleted.");
        break;
      default:
        reply = AiMessage.from("T-1 is a duplicate of T-0 (blank pages on the floor 3 printer). "
            + "I am not allowed to delete tickets, so I left a comment asking a human to merge it.");
    }
    if (reply.hasToolExecutionRequests()) {
      reply.toolExecutionRequests().forEach(r -> out.println("  model  -> call " + r.name() + " " + r.arguments()));
    } else {
      out.println("  model  -> answer: " + reply.text());
    }
    return ChatResponse.builder().aiMessage(reply).build();
  }

  private AiMessage call(String tool, String arguments) {
    return AiMessage.from(ToolExecutionRequest.builder().id("call-" + turn).name(tool).arguments(arguments).build());
  }

  private static List<String> lastToolResults(List<ChatMessage> messages) {
    List<String> results = new ArrayList<>();
    for (int i = messages.size() - 1; i >= 0 && messages.get(i) instanceof ToolExecutionResultMessage; i--) {
      results.add(0, ((ToolExecutionResultMessage) messages.get(i)).text());
    }
    return results;
  }
}
