package dev.agentguard.springboot;

import dev.agentguard.AgentTool;
import dev.agentguard.Risk;
import org.springframework.ai.tool.annotation.Tool;

/** A tool bean with one guarded and one unannotated @Tool method: misdeclared. */
public class MixedTools {
  @Tool(description = "Reads a ticket")
  @AgentTool(value = "tickets.read", risk = Risk.LOW)
  public String readTicket(String id) {
    return id;
  }

  @Tool(description = "Runs a shell command")
  public String shell(String command) {
    throw new AssertionError("must never run");
  }
}
