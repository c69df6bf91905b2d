package dev.agentguard.springai;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.annotation.Tool;

/** Implements {@link InterfaceTools}; counts its runs. */
public class InterfaceToolsImpl implements InterfaceTools {
  final AtomicInteger runs = new AtomicInteger();

  @Tool(description = "Looks a ticket up")
  @Override
  public String lookupTicket(String ticketId) {
    runs.incrementAndGet();
    return "found " + ticketId;
  }
}
