package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.core.PolicySet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #85
/**
 * A write-ahead call's two records (every call here is at the write-ahead risk; a call below it is one
 * record, see {@link OneRecordCallTest}): the full {@code tool.decision}, then a short {@code tool.completed} that says
 * only what the decision does not and names it by {@code parent}, whatever else the task recorded in
 * between.
 */
class CallRecordsTest {
  /** A tool that calls another tool of the same task from inside its body. */
  public interface Nested {
    @AgentTool(value = "tickets.outer", risk = Risk.LOW)
    String outer(@Attr("resource.id") String id);

    @AgentTool(value = "tickets.inner", risk = Risk.LOW)
    String inner(@Attr("resource.id") String id);
  }

  private static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");

  @Test
  void theCompletionIsShortAndNamesItsDecision() {
    List<AuditEvent> events;
    try (GuardFixture f = new GuardFixture(b -> b.writeAheadRisk(Risk.LOW))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-1", f.tools.read("T-1"));
      }
      events = f.drainedEvents();
    }
    AuditEvent decision = only(events, AuditEvent.TOOL_DECISION);
    AuditEvent completed = only(events, AuditEvent.TOOL_COMPLETED);
    assertEquals("ALLOW", decision.decision());
    assertEquals("T-1", decision.attributes().get("resource.id"));
    assertEquals(decision.id(), completed.parent());
    assertEquals(decision.task(), completed.task());
    assertEquals("tickets.read", completed.tool());
    assertEquals("success", completed.outcome());
    assertNotNull(completed.durationMicros());
    // everything else is the decision's to say
    assertNull(completed.agent());
    assertNull(completed.onBehalfOf());
    assertNull(completed.credential());
    assertNull(completed.action());
    assertNull(completed.risk());
    assertNull(completed.policyVersion());
    assertNull(completed.error());
    assertTrue(completed.attributes().isEmpty());
    assertTrue(completed.policies().isEmpty());
  }

  @Test
  void aFailedCallsCompletionNamesTheExceptionTypeOnly() {
    List<AuditEvent> events;
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b.writeAheadRisk(Risk.LOW))) {
      Nested failing = f.guard.protect(Nested.class, new Nested() {
        @Override
        public String outer(String id) {
          throw new IllegalStateException("secret detail " + id);
        }

        @Override
        public String inner(String id) {
          return id;
        }
      });
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertThrows(IllegalStateException.class, () -> failing.outer("T-9"));
      }
      events = f.drainedEvents();
    }
    AuditEvent completed = only(events, AuditEvent.TOOL_COMPLETED);
    assertEquals("failure", completed.outcome());
    assertEquals(IllegalStateException.class.getName(), completed.error());
    assertEquals(only(events, AuditEvent.TOOL_DECISION).id(), completed.parent());
  }

  @Test
  void aNestedCallsOuterCompletionNamesTheOuterDecisionNotTheInnerCall() {
    List<AuditEvent> events;
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b.writeAheadRisk(Risk.LOW))) {
      Nested[] self = new Nested[1];
      self[0] = f.guard.protect(Nested.class, new Nested() {
        @Override
        public String outer(String id) {
          return "outer " + self[0].inner(id + "-inner");
        }

        @Override
        public String inner(String id) {
          return id;
        }
      });
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("outer T-1-inner", self[0].outer("T-1"));
      }
      events = f.drainedEvents();
    }
    Map<String, AuditEvent> decisions = decisionsById(events);
    List<AuditEvent> completions = of(events, AuditEvent.TOOL_COMPLETED);
    assertEquals(2, completions.size());
    for (AuditEvent c : completions) {
      AuditEvent d = decisions.get(c.parent());
      assertNotNull(d, "completion " + c.id() + " names no decision");
      assertEquals(d.tool(), c.tool());
    }
    // the trail order: outer decision, inner decision, inner completion, outer completion
    assertEquals(List.of("tickets.outer", "tickets.inner", "tickets.inner", "tickets.outer"), events.stream()
        .filter(e -> e.tool() != null).map(AuditEvent::tool).collect(Collectors.toList()));
  }

  @Test
  void concurrentCallsOfOneTaskEachNameTheirOwnDecision() throws Exception {
    int threads = 4;
    int perThread = 200;
    List<AuditEvent> events;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b.writeAheadRisk(Risk.LOW))) {
      AgentTask task = f.guard.startTask(allScopes());
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        running.add(pool.submit(task.wrap(() -> {
          for (int i = 0; i < perThread; i++) {
            String id = "T-" + thread + "-" + i;
            assertEquals("ticket " + id, f.tools.read(id));
          }
        })));
      }
      for (Future<?> r : running) {
        r.get(30, TimeUnit.SECONDS);
      }
      task.close();
      events = f.drainedEvents();
    } finally {
      pool.shutdownNow();
    }
    Map<String, AuditEvent> decisions = decisionsById(events);
    List<AuditEvent> completions = of(events, AuditEvent.TOOL_COMPLETED);
    assertEquals(threads * perThread, completions.size());
    Set<String> named = new HashSet<>();
    for (AuditEvent c : completions) {
      AuditEvent d = decisions.get(c.parent());
      assertNotNull(d, "completion " + c.id() + " names no decision");
      assertTrue(d.seq() < c.seq());
      assertTrue(named.add(c.parent()), "two completions name decision " + c.parent());
    }
    assertEquals(decisions.keySet(), named);
  }

  private static Map<String, AuditEvent> decisionsById(List<AuditEvent> events) {
    return of(events, AuditEvent.TOOL_DECISION).stream().collect(Collectors.toMap(AuditEvent::id, Function.identity()));
  }

  private static List<AuditEvent> of(List<AuditEvent> events, String type) {
    return events.stream().filter(e -> type.equals(e.type())).collect(Collectors.toList());
  }

  private static AuditEvent only(List<AuditEvent> events, String type) {
    List<AuditEvent> found = of(events, type);
    assertEquals(1, found.size(), type + " in " + GuardFixture.types(events));
    return found.get(0);
  }
}
