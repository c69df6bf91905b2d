package dev.agentguard.core.audit;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A real guard setup for audit tests that go through the public API: one policy, two tools. */
final class AuditGuardSupport {
  static final PolicySet POLICY = PolicySet.parse(String.join("\n",
      "version: 1",
      "policies:",
      "  - id: notes",
      "    effect: permit",
      "    tools: [\"notes.*\"]",
      ""));

  static final AgentIdentity AGENT = AgentIdentity.of("spiffe://acme.example/agent/notes-bot");

  private AuditGuardSupport() {}

  static TaskSpec spec() {
    return TaskSpec.builder(AGENT).purpose("take notes").scopes("notes.*").ttl(Duration.ofMinutes(5)).build();
  }

  /** The tools the audit tests protect: a low-risk one and a write-ahead (high-risk) one. */
  public interface NoteTools {
    @AgentTool(value = "notes.append", action = "write", risk = Risk.LOW)
    int append(@Attr("resource.text") String text);

    @AgentTool(value = "notes.publish", action = "send", risk = Risk.HIGH)
    int publish(@Attr("resource.text") String text);
  }

  /** Counts the calls that reached the body. */
  static final class Notes implements NoteTools {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public int append(String text) {
      return calls.incrementAndGet();
    }

    @Override
    public int publish(String text) {
      return calls.incrementAndGet();
    }
  }
}
