package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.spi.CallObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #82
/**
 * The call observer hook: what it is told and when, that it sees only audit content, that the trace
 * context it supplies lands on the call's records, and that a failing observer changes no decision.
 */
class CallObserverTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";

  /** Writes down every callback as a line, and supplies a fixed trace context. */
  static final class Recorder implements CallObserver {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<AuditEvent> records = new CopyOnWriteArrayList<>();
    volatile String traceId = TRACE;
    volatile String spanId = SPAN;

    @Override
    public Observation callStarted(String tool) {
      seen.add("started " + tool);
      return new Observation() {
        @Override
        public String traceId() {
          return traceId;
        }

        @Override
        public String spanId() {
          return spanId;
        }

        @Override
        public void decided(AuditEvent decision) {
          seen.add("decided " + decision.tool() + " " + decision.decision()
              + (decision.code() != null ? " " + decision.code() : ""));
          records.add(decision);
        }

        @Override
        public void completed(AuditEvent outcome) {
          seen.add("completed " + outcome.tool() + " " + outcome.outcome());
          records.add(outcome);
        }
      };
    }
  }

  /** Throws from every callback. */
  static final class Throwing implements CallObserver {
    @Override
    public Observation callStarted(String tool) {
      return new Observation() {
        @Override
        public String traceId() {
          throw new IllegalStateException("trace");
        }

        @Override
        public void decided(AuditEvent decision) {
          throw new IllegalStateException("decided");
        }

        @Override
        public void completed(AuditEvent outcome) {
          throw new IllegalStateException("completed");
        }
      };
    }
  }

  @Test
  void tellsArrivalDecisionAndOutcomeInOrderWithTheTraceContextOnTheRecords() throws Exception {
    Recorder recorder = new Recorder();
    List<AuditEvent> trail;
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(recorder))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-1", f.tools.read("T-1"));
        assertThrows(AccessDeniedException.class, () -> f.tools.tag(List.of("secret")));
      }
      trail = f.drainedEvents();
    }
    assertEquals(List.of("started tickets.read", "decided tickets.read ALLOW", "completed tickets.read success",
        "started tickets.tag", "decided tickets.tag DENY FORBIDDEN"), recorder.seen);
    List<AuditEvent> calls = trail.stream().filter(e -> e.type().startsWith("tool.")).toList();
    assertEquals(2, calls.size(), "since 0.2.0 the allowed LOW call is one record, decision and outcome");
    for (AuditEvent e : calls) {
      assertEquals(TRACE, e.traceId(), e.toString());
      assertEquals(SPAN, e.spanId(), e.toString());
    }
    assertNull(trail.get(0).traceId(), "task.started is no call record");
    // what the observer got is the recorded content, field by field (no seq, ts or hash yet)
    AuditEvent one = calls.get(0);
    assertEquals(one.toBuilder().outcome(null).error(null).durationMicros(null).build(), recorder.records.get(0));
    assertEquals(AuditEvent.TOOL_COMPLETED, recorder.records.get(1).type());
    assertEquals(one.outcome(), recorder.records.get(1).outcome());
    assertEquals(one.durationMicros(), recorder.records.get(1).durationMicros());
    assertEquals(calls.get(1).toBuilder().build(), recorder.records.get(2));
  }

  @Test
  void seesRedactedArgumentsAsDigestsOnly() throws Exception { // docs/security-cases.md #33
    Recorder recorder = new Recorder();
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(recorder))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        f.tools.email("carol@acme.example", "sk_live_observer_secret");
      }
    }
    assertEquals(2, recorder.records.size());
    assertEquals(AuditEvent.TOOL_DECISION, recorder.records.get(0).type());
    assertEquals(ArgumentSnapshotTest.sha256("sk_live_observer_secret"),
        recorder.records.get(0).attributes().get("resource.token"));
    // the short tool.completed names its decision and carries no attributes at all (docs/audit.md)
    assertEquals(AuditEvent.TOOL_COMPLETED, recorder.records.get(1).type());
    assertTrue(recorder.records.get(1).attributes().isEmpty(), recorder.records.get(1).attributes().toString());
    for (AuditEvent e : recorder.records) {
      assertFalse(e.toString().contains("sk_live_observer_secret"));
    }
  }

  @Test
  void aThrowingObserverChangesNoDecision() throws Exception { // docs/security-cases.md #59 (the observer SPI)
    List<AuditEvent> trail;
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(new Throwing()))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-2", f.tools.read("T-2"));
        int before = f.impl.invocations.get();
        AccessDeniedException denied = assertThrows(AccessDeniedException.class,
            () -> f.tools.tag(List.of("secret")));
        assertEquals(DenyCode.FORBIDDEN, denied.code());
        assertEquals(before, f.impl.invocations.get(), "the denied body must not run");
      }
      trail = f.drainedEvents();
    }
    List<String> calls = trail.stream().filter(e -> e.type().startsWith("tool."))
        .map(e -> e.type() + " " + e.tool() + " " + e.decision() + " " + e.traceId()).toList();
    assertEquals(List.of("tool.decision tickets.read ALLOW null", "tool.decision tickets.tag DENY null"), calls);
  }

  @Test
  void anObserverThatOverflowsItsStackChangesNoDecisionAndLeavesNoCallInFlight() throws Exception {
    CallObserver recursing = tool -> new CallObserver.Observation() {
      @Override
      public void decided(AuditEvent decision) {
        throw new StackOverflowError();
      }

      @Override
      public void completed(AuditEvent outcome) {
        throw new StackOverflowError();
      }
    };
    List<AuditEvent> trail;
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(recursing))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-6", f.tools.read("T-6"));
        assertThrows(AccessDeniedException.class, () -> f.tools.tag(List.of("secret")));
      }
      trail = f.drainedEvents();
    }
    AuditEvent completed = trail.stream().filter(e -> e.type().equals(AuditEvent.TASK_COMPLETED)).findFirst()
        .orElseThrow();
    assertEquals(Map.of("task.calls", 1L), completed.attributes(), "no call left in flight");
  }

  @Test
  void anObserverThatThrowsWhenCalledStillLetsTheGuardDecide() throws Exception {
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(tool -> {
      throw new IllegalStateException("no");
    }))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ticket T-3", f.tools.read("T-3"));
        assertThrows(AccessDeniedException.class, () -> f.tools.tag(List.of("secret")));
      }
    }
  }

  @Test
  void ignoresATraceContextThatIsNotCanonicalW3c() throws Exception { // docs/security-cases.md #66
    for (String[] bad : List.of(new String[] {TRACE.toUpperCase(), SPAN}, new String[] {"0".repeat(32), SPAN},
        new String[] {TRACE, "0".repeat(16)}, new String[] {TRACE + "\n\"x\":1", SPAN}, new String[] {TRACE, null},
        new String[] {null, SPAN})) {
      Recorder recorder = new Recorder();
      recorder.traceId = bad[0];
      recorder.spanId = bad[1];
      List<AuditEvent> trail;
      try (GuardFixture f = new GuardFixture(b -> b.callObserver(recorder))) {
        try (AgentTask task = f.guard.startTask(allScopes())) {
          f.tools.read("T-4");
        }
        trail = f.drainedEvents();
      }
      for (AuditEvent e : trail) {
        assertNull(e.traceId(), e.toString());
        assertNull(e.spanId(), e.toString());
      }
    }
  }

  @Test
  void dryRunsAreNotObservedButCallsOfTheGenericEntryAre() throws Exception {
    Recorder recorder = new Recorder();
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(recorder))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        ToolRequest request = ToolRequest.builder("tickets.read").action("read").risk(Risk.LOW)
            .attribute("resource.id", "T-5").build();
        assertTrue(f.guard.check(request).allowed());
        assertEquals("done", f.guard.call(request, () -> "done"));
      }
    }
    assertEquals(List.of("started tickets.read", "decided tickets.read ALLOW", "completed tickets.read success"),
        recorder.seen);
  }

  @Test
  void aCallWhoseArgumentsCannotBeFrozenIsObservedAsItsDeny() throws Exception { // docs/security-cases.md #61
    Recorder recorder = new Recorder();
    try (GuardFixture f = new GuardFixture(b -> b.callObserver(recorder))) {
      try (AgentTask task = f.guard.startTask(allScopes())) {
        DenyPathsTest.Notes notes = f.guard.protect(DenyPathsTest.Notes.class, text -> "noted");
        CharSequence hostile = new ArgumentSnapshotTest.Throwing(new IllegalStateException("cannot be read"));
        AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> notes.note(hostile));
        assertEquals(DenyCode.EVALUATION_ERROR, denied.code());
      }
    }
    assertEquals(List.of("started tickets.note", "decided tickets.note DENY EVALUATION_ERROR"), recorder.seen);
  }
}
