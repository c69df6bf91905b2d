package dev.agentguard.springai;

import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.AgentGuard;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** Spring AI tools with AgentGuard metadata; records every body run with the task and thread it saw. */
public class SupportTools {
  /** One run of a tool body. */
  record Run(String tool, String argument, String taskId, String thread) {}

  final List<Run> runs = new CopyOnWriteArrayList<>();
  private volatile AgentGuard guard;

  void observe(AgentGuard guard) {
    this.guard = guard;
  }

  private void ran(String tool, String argument) {
    String task = guard == null ? null : guard.currentTask().map(AgentTask::id).orElse(null);
    runs.add(new Run(tool, argument, task, Thread.currentThread().getName()));
  }

  List<Run> runsOf(String tool) {
    return runs.stream().filter(r -> r.tool().equals(tool)).toList();
  }

  @Tool(name = "readTicket", description = "Reads a support ticket")
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
  public String readTicket(@ToolParam(description = "ticket id") @Attr("resource.id") String ticketId) {
    ran("tickets.read", ticketId);
    return "ticket " + ticketId + ": printer on fire";
  }

  @Tool(name = "deleteTicket", description = "Deletes a support ticket")
  @AgentTool(value = "tickets.delete", action = "delete", risk = Risk.HIGH)
  public String deleteTicket(@Attr("resource.id") String ticketId) {
    ran("tickets.delete", ticketId);
    return "deleted " + ticketId;
  }

  @Tool(name = "refund", description = "Refunds an amount to the customer")
  @AgentTool(value = "billing.refund", action = "refund", risk = Risk.HIGH, sensitivity = Sensitivity.CONFIDENTIAL)
  public String refund(@Attr("resource.amount") double amount) {
    ran("billing.refund", Double.toString(amount));
    return "refunded " + amount;
  }

  @Tool(name = "sendEmail", description = "Sends an e-mail")
  @AgentTool(value = "email.send", action = "send", risk = Risk.MEDIUM)
  public String sendEmail(@Attr("resource.to") String to, @Attr("resource.body") @Redact String body) {
    ran("email.send", to);
    return "sent to " + to;
  }
}
