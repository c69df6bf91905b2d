package dev.agentguard.core.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;

/** Test helpers: evaluate one condition through a real policy set. */
final class Eval {
  static final String T = "TRUE";
  static final String F = "FALSE";
  static final String E = "ERROR";
  static final AgentIdentity AGENT = AgentIdentity.of("spiffe://acme.example/agent/support-bot",
      java.util.Map.of("team", "support", "level", 3L));
  static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a Thursday

  private Eval() {}

  static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  static PolicySet permitWhen(String when) {
    return PolicySet.parse("{\"version\":1,\"policies\":[{\"id\":\"p\",\"effect\":\"permit\",\"tools\":[\"**\"],\"when\":"
        + json(when) + "}]}");
  }

  /** TRUE / FALSE / ERROR for a condition, read off the permit's decision (and cross-checked with a forbid). */
  static String cond(String when, ToolRequest r, TaskState t, long now) {
    Decision d = permitWhen(when).evaluate(AGENT, r, t, now);
    Decision f = PolicySet.parse("{\"version\":1,\"policies\":[{\"id\":\"f\",\"effect\":\"forbid\",\"tools\":[\"**\"],\"when\":"
        + json(when) + "},{\"id\":\"p\",\"effect\":\"permit\",\"tools\":[\"**\"]}]}").evaluate(AGENT, r, t, now);
    String viaPermit = d.allowed() ? T : d.reasons().size() > 1 ? E : F;
    String viaForbid = f.allowed() ? F
        : f.code() == dev.agentguard.DenyCode.EVALUATION_ERROR ? E : T;
    if (!viaPermit.equals(viaForbid)) {
      throw new AssertionError("permit says " + viaPermit + " but forbid says " + viaForbid + " for " + when);
    }
    return viaPermit;
  }

  static String cond(String when, ToolRequest r) {
    return cond(when, r, null, NOW);
  }

  static String cond(String when) {
    return cond(when, ToolRequest.builder("tickets.read").build());
  }
}
