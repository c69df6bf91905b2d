package dev.agentguard.examples.supportbot;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;

/** Ticket-system tools of the support bot. */
public interface TicketTools {
  /** Reads one ticket. */
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
  String read(@Attr("resource.id") String ticketId);

  /** Reads the customer record behind a ticket: confidential data. */
  @AgentTool(value = "customers.read", action = "read", risk = Risk.LOW, sensitivity = Sensitivity.CONFIDENTIAL)
  String customer(@Attr("resource.id") String customerId);

  /** Exports the CRM: not in the bot's scopes. */
  @AgentTool(value = "crm.export", action = "export", risk = Risk.CRITICAL, sensitivity = Sensitivity.RESTRICTED)
  String exportCrm();
}
