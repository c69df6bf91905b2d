package dev.agentguard.springai;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Risk;

/** AgentGuard metadata on an interface; Spring AI's @Tool on the implementation ({@link InterfaceToolsImpl}). */
public interface InterfaceTools {
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
  String lookupTicket(@Attr("resource.id") String ticketId);
}
