package dev.agentguard.springboot;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Risk;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.tool.annotation.Tool;

/** A tool bean with AgentGuard metadata; records the tools whose bodies ran. */
public class HelpdeskTools {
  final List<String> ran = new CopyOnWriteArrayList<>();

  @Tool(description = "Reads a ticket")
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
  public String readTicket(@Attr("resource.id") String id) {
    ran.add("tickets.read");
    return "ticket " + id;
  }

  @Tool(description = "Deletes a ticket")
  @AgentTool(value = "tickets.delete", action = "delete", risk = Risk.HIGH)
  public String deleteTicket(@Attr("resource.id") String id) {
    ran.add("tickets.delete");
    return "deleted " + id;
  }

  @Tool(description = "Refunds an amount")
  @AgentTool(value = "billing.refund", action = "refund", risk = Risk.HIGH)
  public String refund(@Attr("resource.amount") double amount) {
    ran.add("billing.refund");
    return "refunded " + amount;
  }
}
