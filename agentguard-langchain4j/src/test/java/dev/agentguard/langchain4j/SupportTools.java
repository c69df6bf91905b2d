package dev.agentguard.langchain4j;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** LangChain4j tools of a support assistant, each also declared to AgentGuard. */
public class SupportTools {
  /** What ran, as "tool:argument@thread". */
  final List<String> calls = new CopyOnWriteArrayList<>();

  @Tool("Reads a support ticket by its id")
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW, sensitivity = Sensitivity.INTERNAL)
  public String readTicket(@P("the ticket id, e.g. T-1") @Attr("resource.id") String ticketId) {
    calls.add("tickets.read:" + ticketId + "@" + Thread.currentThread().getName());
    return "Ticket " + ticketId + ": printer on fire, customer bob@example.com";
  }

  @Tool("Deletes a support ticket")
  @AgentTool(value = "tickets.delete", action = "delete", risk = Risk.MEDIUM)
  public String deleteTicket(@Attr("resource.id") String ticketId) {
    calls.add("tickets.delete:" + ticketId);
    return "deleted " + ticketId;
  }

  @Tool("Refunds an order")
  @AgentTool(value = "billing.refund", action = "refund", risk = Risk.MEDIUM)
  public String refund(@Attr("resource.id") String orderId, @P("amount in cents") int amountCents) {
    calls.add("billing.refund:" + orderId + ":" + amountCents);
    return "refunded " + amountCents;
  }

  @Tool("Sends an e-mail to a customer")
  @AgentTool(value = "email.send", action = "send", risk = Risk.MEDIUM)
  public String sendEmail(@Attr("resource.recipient") String to, @Redact String body) {
    calls.add("email.send:" + to + "@" + Thread.currentThread().getName());
    return "sent";
  }

  /** An AgentGuard tool the model is never offered: it has no @Tool. */
  @AgentTool(value = "tickets.purge", risk = Risk.CRITICAL)
  public void purge() {
    calls.add("tickets.purge");
  }
}
