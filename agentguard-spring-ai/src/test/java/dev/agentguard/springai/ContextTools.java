package dev.agentguard.springai;

import dev.agentguard.AgentTool;
import dev.agentguard.Risk;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;

/** A tool that takes Spring AI's ToolContext; records the contexts it received. */
public class ContextTools {
  final List<Map<String, Object>> contexts = new CopyOnWriteArrayList<>();

  @Tool(description = "Says which tenant is asking")
  @AgentTool(value = "tickets.whoami", action = "read", risk = Risk.LOW)
  public String whoAmI(String question, ToolContext context) {
    contexts.add(Map.copyOf(context.getContext()));
    return "tenant " + context.getContext().get("tenant");
  }
}
