package dev.agentguard.redis;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Risk;
import java.util.concurrent.atomic.AtomicInteger;

/** The tools the fleet tests protect: a low-risk read, a rate-limited read and a high-risk transfer. */
public interface FleetTools {
  @AgentTool(value = "fleet.read", action = "read", risk = Risk.LOW)
  String read(@Attr("resource.id") String id);

  @AgentTool(value = "fleet.limited", action = "read", risk = Risk.LOW)
  String limited(@Attr("resource.id") String id);

  @AgentTool(value = "fleet.transfer", action = "write", risk = Risk.HIGH)
  String transfer(@Attr("resource.id") String id);

  /** Counts every call that reached the implementation. */
  final class Impl implements FleetTools {
    final AtomicInteger invocations = new AtomicInteger();

    @Override
    public String read(String id) {
      invocations.incrementAndGet();
      return "read " + id;
    }

    @Override
    public String limited(String id) {
      invocations.incrementAndGet();
      return "limited " + id;
    }

    @Override
    public String transfer(String id) {
      invocations.incrementAndGet();
      return "transferred " + id;
    }
  }
}
