package dev.agentguard.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.ToolRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A span per guarded call: where it hangs in the trace, what it says for allow, deny and a tool exception. */
class CallSpansTest {
  private static Map<String, SpanData> byName(List<SpanData> spans) {
    return spans.stream().collect(Collectors.toMap(SpanData::getName, s -> s, (a, b) -> {
      throw new AssertionError("two spans named " + a.getName());
    }));
  }

  @Test
  void spansAreChildrenOfTheCurrentSpanAndTellAllowDenyAndToolFailure() throws Exception {
    List<AuditEvent> trail;
    String taskId;
    try (TelemetryFixture f = new TelemetryFixture()) {
      Span outer = f.otel.sdk.getTracer("test").spanBuilder("framework tool span").startSpan();
      try (Scope s = outer.makeCurrent(); AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        taskId = task.id();
        assertEquals("content of /tmp/a", f.tools.read("/tmp/a"));
        int ran = f.impl.ran.get();
        AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> f.tools.read("/etc/shadow"));
        assertEquals(DenyCode.FORBIDDEN, denied.code());
        assertEquals(ran, f.impl.ran.get(), "the denied body must not run");
        assertThrows(IllegalStateException.class, () -> f.tools.fail("/tmp/b"));
      } finally {
        outer.end();
      }
      trail = f.drained();
      List<SpanData> spans = f.otel.spans.getFinishedSpanItems();
      assertEquals(5, spans.size(), spans.toString()); // outer, 3 calls, the tool's own span
      SpanData root = spans.stream().filter(x -> x.getName().equals("framework tool span")).findFirst().orElseThrow();
      List<SpanData> calls = spans.stream().filter(x -> x.getName().startsWith("execute_tool ")).toList();
      assertEquals(3, calls.size());
      for (SpanData call : calls) {
        assertEquals(root.getSpanId(), call.getParentSpanId(), call.getName() + " is a child of the current span");
        assertEquals(root.getTraceId(), call.getTraceId());
        assertEquals(SpanKind.INTERNAL, call.getKind());
        assertEquals("execute_tool", call.getAttributes().get(TelemetryKeys.GEN_AI_OPERATION_NAME));
        assertEquals(taskId, call.getAttributes().get(TelemetryKeys.TASK_ID));
        assertEquals(TelemetryFixture.AGENT.id(), call.getAttributes().get(TelemetryKeys.AGENT_ID));
        assertEquals(f.guard.policyVersion().orElseThrow(), call.getAttributes().get(TelemetryKeys.POLICY_VERSION));
      }
      SpanData allowed = calls.get(0);
      SpanData deny = calls.get(1);
      SpanData failed = calls.get(2);

      assertEquals("execute_tool files.read", allowed.getName());
      assertEquals("files.read", allowed.getAttributes().get(TelemetryKeys.GEN_AI_TOOL_NAME));
      assertEquals("ALLOW", allowed.getAttributes().get(TelemetryKeys.DECISION));
      assertEquals("allow", allowed.getAttributes().get(TelemetryKeys.VERDICT_TYPE));
      assertEquals(List.of("files-and-mail"), allowed.getAttributes().get(TelemetryKeys.RULES));
      assertEquals("read", allowed.getAttributes().get(TelemetryKeys.TOOL_ACTION));
      assertEquals("low", allowed.getAttributes().get(TelemetryKeys.TOOL_RISK));
      assertEquals("success", allowed.getAttributes().get(TelemetryKeys.OUTCOME));
      assertNull(allowed.getAttributes().get(TelemetryKeys.DENY_CODE));
      assertNull(allowed.getAttributes().get(TelemetryKeys.ERROR_TYPE));
      assertEquals(StatusCode.UNSET, allowed.getStatus().getStatusCode());
      SpanData inside = spans.stream().filter(x -> x.getName().equals("inside the tool")).findFirst().orElseThrow();
      assertEquals(allowed.getSpanId(), inside.getParentSpanId(), "the tool body runs inside the call span");

      assertEquals("execute_tool files.read", deny.getName());
      assertEquals("DENY", deny.getAttributes().get(TelemetryKeys.DECISION));
      assertEquals("deny", deny.getAttributes().get(TelemetryKeys.VERDICT_TYPE));
      assertEquals("FORBIDDEN", deny.getAttributes().get(TelemetryKeys.DENY_CODE));
      assertEquals("FORBIDDEN", deny.getAttributes().get(TelemetryKeys.VERDICT_CODE));
      assertEquals("FORBIDDEN", deny.getAttributes().get(TelemetryKeys.ERROR_TYPE));
      assertEquals(List.of("no-etc"), deny.getAttributes().get(TelemetryKeys.RULES));
      assertEquals(StatusCode.ERROR, deny.getStatus().getStatusCode());
      assertEquals("FORBIDDEN", deny.getStatus().getDescription());
      assertNull(deny.getAttributes().get(TelemetryKeys.OUTCOME), "a denied call has no outcome");

      assertEquals("execute_tool files.fail", failed.getName());
      assertEquals("ALLOW", failed.getAttributes().get(TelemetryKeys.DECISION));
      assertEquals("failure", failed.getAttributes().get(TelemetryKeys.OUTCOME));
      assertEquals("java.lang.IllegalStateException", failed.getAttributes().get(TelemetryKeys.ERROR_TYPE));
      assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
      List<EventData> events = failed.getEvents(); // docs/security-cases.md #42: no exception message
      assertEquals(1, events.size());
      assertEquals("exception", events.get(0).getName());
      assertEquals("java.lang.IllegalStateException", events.get(0).getAttributes().get(TelemetryKeys.EXCEPTION_TYPE));
      assertEquals(1, events.get(0).getAttributes().size(), "no message, no stack trace: " + events.get(0));

      // the call records carry their span's ids (one record per LOW call since 0.2.0)
      List<AuditEvent> records = trail.stream().filter(e -> e.type().startsWith("tool.")).toList();
      assertEquals(List.of(allowed, deny, failed).stream().map(SpanData::getSpanId).toList(),
          records.stream().map(AuditEvent::spanId).toList());
      for (AuditEvent e : records) {
        assertEquals(root.getTraceId(), e.traceId());
      }
    }
  }

  @Test
  void aCallWithoutACurrentSpanStartsItsOwnTrace() throws Exception {
    try (TelemetryFixture f = new TelemetryFixture()) {
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        f.tools.send("bob@acme.example", "tok");
      }
      f.drained();
      SpanData call = f.otel.spans.getFinishedSpanItems().stream()
          .filter(s -> s.getName().startsWith("execute_tool")).findFirst().orElseThrow();
      assertFalse(call.getParentSpanContext().isValid(), "a root span");
      assertEquals("execute_tool mail.send", call.getName());
    }
  }

  @Test
  void anUnknownToolIsNamedOtherInTheSpanNameButKeptInItsAttribute() throws Exception {
    try (TelemetryFixture f = new TelemetryFixture()) {
      try (AgentTask task = f.guard.startTask(TelemetryFixture.spec())) {
        ToolRequest invented = ToolRequest.builder("shell.exec_everything").action("read").risk(Risk.LOW).build();
        assertThrows(AccessDeniedException.class, () -> f.guard.call(invented, () -> "ran"));
      }
      f.drained();
      SpanData call = f.otel.spans.getFinishedSpanItems().get(0);
      assertEquals("execute_tool _other", call.getName());
      assertEquals("shell.exec_everything", call.getAttributes().get(TelemetryKeys.GEN_AI_TOOL_NAME));
      assertEquals("OUT_OF_SCOPE", call.getAttributes().get(TelemetryKeys.DENY_CODE));
    }
  }

  @Test
  void withoutAnSdkNothingIsExportedAndRecordsCarryNoTraceIds() throws Exception {
    AgentGuardTelemetry noop = AgentGuardTelemetry.create(OpenTelemetry.noop());
    dev.agentguard.core.InMemoryAuditSink trail = dev.agentguard.core.AuditSinks.inMemory();
    try (dev.agentguard.core.AgentGuard guard = dev.agentguard.core.AgentGuard.builder()
        .policy(dev.agentguard.core.PolicySet.parse(TelemetryFixture.POLICY)).closeOnShutdown(false)
        .auditSink(trail).auditSink(noop.auditLogSink()).callObserver(noop.callObserver()).build()) {
      FileTools tools = guard.protect(FileTools.class, new FileTools.Impl(OpenTelemetry.noop().getTracer("t")));
      try (AgentTask task = guard.startTask(TelemetryFixture.spec())) {
        assertEquals("content of /tmp/c", tools.read("/tmp/c"));
        assertThrows(AccessDeniedException.class, () -> tools.read("/etc/shadow"));
      }
    }
    for (AuditEvent e : trail.events()) {
      assertNull(e.traceId(), e.toString());
    }
  }

  @Test
  void anAllowTheTrailRefusesEndsAsADenySpan() throws Exception {
    // docs/security-cases.md #30: a HIGH-risk call is denied when its decision cannot be written first
    try (OtelHarness otel = new OtelHarness()) {
      AgentGuardTelemetry telemetry = AgentGuardTelemetry.create(otel.sdk);
      java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
      try (dev.agentguard.core.AgentGuard guard = dev.agentguard.core.AgentGuard.builder()
          .policy(dev.agentguard.core.PolicySet.parse(TelemetryFixture.POLICY)).closeOnShutdown(false)
          .auditSink(e -> {
            throw new java.io.IOException("sink down (expected in this test)");
          })
          .writeAheadTimeout(java.time.Duration.ofMillis(200))
          .auditCloseTimeout(java.time.Duration.ofMillis(500))
          .callObserver(telemetry.callObserver()).build();
          AgentTask task = guard.startTask(TelemetryFixture.spec())) {
        ToolRequest high = ToolRequest.builder("files.wipe").action("write").risk(Risk.HIGH).build();
        AccessDeniedException denied = assertThrows(AccessDeniedException.class,
            () -> guard.call(high, () -> ran.incrementAndGet()));
        assertEquals(DenyCode.AUDIT_UNAVAILABLE, denied.code());
      }
      assertEquals(0, ran.get(), "the tool must not run");
      SpanData call = otel.spans.getFinishedSpanItems().stream()
          .filter(x -> x.getName().startsWith("execute_tool")).findFirst().orElseThrow();
      assertEquals("DENY", call.getAttributes().get(TelemetryKeys.DECISION));
      assertEquals("AUDIT_UNAVAILABLE", call.getAttributes().get(TelemetryKeys.DENY_CODE));
      assertEquals(StatusCode.ERROR, call.getStatus().getStatusCode());
      assertEquals(Map.of("_other DENY AUDIT_UNAVAILABLE", 1L), CallMetricsTest.decisions(otel),
          "the policy's allow never counts: the call was denied");
    }
  }
}
