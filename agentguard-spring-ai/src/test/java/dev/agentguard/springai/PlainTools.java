package dev.agentguard.springai;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.annotation.Tool;

/** A Spring AI tool without AgentGuard metadata. */
public class PlainTools {
  final AtomicInteger runs = new AtomicInteger();

  @Tool(description = "Looks something up")
  public String lookup(String key) {
    runs.incrementAndGet();
    return "value of " + key;
  }
}
