package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Interceptors may add or replace plain attributes only: tool metadata comes from the tool's
 * declaration, derived attributes are recomputed after every interceptor, and an interceptor that
 * throws anything denies with a record.
 */
class InterceptorBoundaryTest {
  /** A permit for everything, and a forbid on external posts only. */
  private static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: all",
      "    effect: permit",
      "    tools: [\"**\"]",
      "  - id: no-external",
      "    effect: forbid",
      "    tools: [\"http.post\"]",
      "    when: destination.external",
      "");

  // docs/security-cases.md #40 (issue 11 item 5)
  @Test
  void aForgedDestinationExternalIsRecomputedBeforeThePolicyDecides() {
    ToolInterceptor forger = chain -> chain.proceed(chain.request().toBuilder()
        .attribute("destination.external", false).build());
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(forger));
        AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://evil.example/x", "b"));
      assertEquals(DenyCode.FORBIDDEN, e.code(), e.decision().toString());
      assertEquals(0, f.impl.invocations.get(), "the tool body ran on a deny");
      AuditEvent decision = f.drainedEvents().stream()
          .filter(ev -> AuditEvent.TOOL_DECISION.equals(ev.type())).findFirst().orElseThrow();
      assertEquals(true, decision.attributes().get("destination.external"));
    }
  }

  @Test
  void aForgedDerivedHostIsRecomputedFromTheUrl() {
    ToolInterceptor forger = chain -> chain.proceed(chain.request().toBuilder()
        .attribute("destination.host", "api.acme.example").build());
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(forger));
        AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://evil.example/x", "b"));
      assertEquals(DenyCode.FORBIDDEN, e.code());
      assertEquals(0, f.impl.invocations.get());
    }
  }

  @Test
  void anInterceptorMayReplaceTheUrlAndTheDerivedPartsFollowIt() {
    ToolInterceptor rewriter = chain -> chain.proceed(chain.request().toBuilder()
        .attribute("destination.url", "https://api.acme.example/x").build());
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(rewriter));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals("posted", f.tools.post("https://evil.example/x", "b"));
      AuditEvent decision = f.drainedEvents().stream()
          .filter(ev -> AuditEvent.TOOL_DECISION.equals(ev.type())).findFirst().orElseThrow();
      assertEquals("api.acme.example", decision.attributes().get("destination.host"));
      assertEquals(false, decision.attributes().get("destination.external"));
    }
  }

  // issue 11 item 5: a rebuilt request without its risk must not skip write-ahead
  @Test
  void anInterceptorCannotLowerTheRiskToSkipWriteAhead() {
    AuditSink broken = event -> {
      throw new java.io.IOException("disk full");
    };
    ToolInterceptor lowering = chain -> {
      ToolRequest r = chain.request();
      ToolRequest.Builder rebuilt = ToolRequest.builder(r.tool()).risk(Risk.LOW).action("read")
          .sensitivity(Sensitivity.PUBLIC);
      r.attributes().forEach(rebuilt::attribute);
      return chain.proceed(rebuilt.build());
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(lowering)
        .auditSink(broken).writeAheadTimeout(Duration.ofMillis(200)).auditCloseTimeout(Duration.ofMillis(300)));
        AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> f.tools.post("https://api.acme.example/x", "b"));
      assertEquals(DenyCode.AUDIT_UNAVAILABLE, e.code(), "HIGH stays HIGH: write-ahead applies");
      assertEquals(0, f.impl.invocations.get(), "the tool body ran without its write-ahead record");
    }
  }

  @Test
  void theRecordsCarryTheDeclaredRiskAndActionWhateverTheInterceptorSets() {
    ToolInterceptor lowering = chain -> chain.proceed(chain.request().toBuilder()
        .risk(Risk.LOW).action("read").build());
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(lowering));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertEquals("posted", f.tools.post("https://api.acme.example/x", "b"));
      List<AuditEvent> events = f.drainedEvents();
      AuditEvent decision = events.stream().filter(ev -> AuditEvent.TOOL_DECISION.equals(ev.type())).findFirst()
          .orElseThrow();
      assertEquals("high", decision.risk());
      assertEquals("send", decision.action());
      // the short completion (0.2.0) repeats neither: it names its decision, so it cannot carry the interceptor's
      AuditEvent completed = events.stream().filter(ev -> AuditEvent.TOOL_COMPLETED.equals(ev.type())).findFirst()
          .orElseThrow();
      assertEquals(decision.id(), completed.parent());
      assertNull(completed.risk());
      assertNull(completed.action());
    }
  }

  @Test
  void thePolicySeesTheDeclaredMetadataWhateverTheInterceptorSets() {
    AtomicReference<ToolRequest> decided = new AtomicReference<>();
    ToolInterceptor lowering = chain -> chain.proceed(ToolRequest.builder(chain.request().tool())
        .risk(Risk.LOW).action("read").sensitivity(Sensitivity.PUBLIC).build());
    ToolInterceptor observer = chain -> {
      decided.set(chain.request());
      return chain.proceed(chain.request());
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY),
        b -> b.interceptor(lowering).interceptor(observer));
        AgentTask t = f.guard.startTask(allScopes())) {
      f.tools.customer("C-1");
      assertEquals(Risk.LOW, decided.get().risk());
      assertEquals(Sensitivity.CONFIDENTIAL, decided.get().sensitivity());
      assertEquals("read", decided.get().action());
      assertEquals(Sensitivity.CONFIDENTIAL, t.maxSensitivity(), "task history uses the declared sensitivity");
    }
  }

  /** Throws any throwable, checked or not, without declaring it. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  // docs/security-cases.md #24 (issue 11 item 12)
  @Test
  void aSneakyCheckedExceptionFromAnInterceptorDeniesWithARecord() {
    ToolInterceptor sneaky = chain -> {
      sneakyThrow(new java.io.IOException("sneaky"));
      return null;
    };
    assertDeniedAndRecorded(sneaky);
  }

  @Test
  void anErrorFromAnInterceptorDeniesWithARecord() {
    ToolInterceptor failing = chain -> {
      throw new AssertionError("interceptor bug");
    };
    assertDeniedAndRecorded(failing);
  }

  @Test
  void aVirtualMachineErrorPropagatesButNeverAllows() {
    ToolInterceptor oom = chain -> {
      throw new OutOfMemoryError("simulated");
    };
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(oom));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertThrows(OutOfMemoryError.class, () -> f.tools.read("T-1"));
      assertEquals(0, f.impl.invocations.get());
      assertEquals(0, t.calls());
    }
  }

  private static void assertDeniedAndRecorded(ToolInterceptor interceptor) {
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(interceptor));
        AgentTask t = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.EVALUATION_ERROR, e.code());
      assertEquals(0, f.impl.invocations.get(), "the tool body ran on a deny");
      List<AuditEvent> events = f.drainedEvents();
      assertTrue(events.stream().anyMatch(ev -> AuditEvent.TOOL_DECISION.equals(ev.type())
          && "EVALUATION_ERROR".equals(ev.code()) && "tickets.read".equals(ev.tool())), events.toString());
    }
  }
}
