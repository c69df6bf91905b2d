package dev.agentguard.examples.langchain4j;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The helpdesk tools of the LangChain4j demo: plain methods with LangChain4j's {@code @Tool} for the
 * model and AgentGuard's {@code @AgentTool} for the guard.
 */
public class HelpdeskTools {
  private static final Map<String, String> TICKETS = Map.of(
      "T-1", "Printer on floor 3 prints blank pages. Duplicate of T-0. Customer: dana@example.com");

  /** What the tool bodies actually did, in order. */
  final List<String> executed = new CopyOnWriteArrayList<>();

  /** Reads a ticket. */
  @Tool("Reads a helpdesk ticket by id")
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW, sensitivity = Sensitivity.INTERNAL)
  public String readTicket(@P("ticket id, e.g. T-1") @Attr("resource.id") String ticketId) {
    executed.add("tickets.read " + ticketId);
    return TICKETS.getOrDefault(ticketId, "no such ticket");
  }

  /** Adds a comment; the text is redacted in the audit trail. */
  @Tool("Adds a comment to a helpdesk ticket")
  @AgentTool(value = "tickets.comment", action = "write", risk = Risk.LOW)
  public String addComment(@Attr("resource.id") String ticketId, @P("the comment") @Redact String text) {
    executed.add("tickets.comment " + ticketId);
    return "comment added to " + ticketId;
  }

  /** Deletes a ticket: forbidden by the policy. */
  @Tool("Deletes a helpdesk ticket")
  @AgentTool(value = "tickets.delete", action = "delete", risk = Risk.HIGH)
  public String deleteTicket(@Attr("resource.id") String ticketId) {
    executed.add("tickets.delete " + ticketId);
    return "deleted " + ticketId;
  }

  /** Refunds an order: outside the demo task's scopes, so never offered to the model. */
  @Tool("Refunds a customer order")
  @AgentTool(value = "billing.refund", action = "refund", risk = Risk.HIGH, sensitivity = Sensitivity.CONFIDENTIAL)
  public String refund(@Attr("resource.id") String orderId, @P("amount in cents") long amountCents) {
    executed.add("billing.refund " + orderId);
    return "refunded " + amountCents + " on " + orderId;
  }
}
