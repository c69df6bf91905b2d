package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.GuardedMethod;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardMethodTest {
  /** A plain class, as framework tool objects are. */
  public static class PlainTools {
    final AtomicInteger calls = new AtomicInteger();

    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    public String read(@Attr("resource.id") String id) {
      calls.incrementAndGet();
      return "ticket " + id;
    }

    public String notATool() {
      return "x";
    }
  }

  @Test
  void guardsAPlainMethodLikeAProxyDoes() throws Throwable {
    PlainTools tools = new PlainTools();
    try (GuardFixture f = new GuardFixture()) {
      GuardedMethod read = f.guard.guardMethod(tools, PlainTools.class.getMethod("read", String.class));
      assertEquals("tickets.read", read.tool());
      assertEquals(Risk.LOW, read.risk());
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, () -> read.invoke("T-1")).code());
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-1", read.invoke("T-1"));
        assertThrows(IllegalArgumentException.class, () -> read.invoke("a", "b"));
      }
      assertEquals(1, tools.calls.get());
    }
  }

  @Test
  void refusesMethodsWithoutAgentTool() throws Exception {
    try (GuardFixture f = new GuardFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.guardMethod(new PlainTools(), PlainTools.class.getMethod("notATool")));
      assertTrue(e.getMessage().contains("notATool"));
    }
  }
}
