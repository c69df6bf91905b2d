package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.captureStderr;
import static dev.agentguard.core.audit.AuditTestSupport.config;
import static dev.agentguard.core.audit.AuditTestSupport.count;
import static dev.agentguard.core.audit.AuditTestSupport.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditHealth;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * docs/security-cases.md #30 and #44: a sink that throws an {@link Error} is a failing sink like
 * any other (retried in order, logged once, shown in health); only a fatal virtual machine error
 * stops the writer, and then health says so and write-ahead calls are refused.
 */
class SinkErrorTest {

  /** Throws {@code error} from its first {@code failures} writes, then takes events. */
  static final class ErrorOnceSink implements AuditSink {
    final Supplier<Throwable> error;
    final AtomicInteger failuresLeft;
    final AtomicInteger attempts = new AtomicInteger();

    ErrorOnceSink(Supplier<Throwable> error, int failures) {
      this.error = error;
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public void write(AuditEvent event) throws Exception {
      attempts.incrementAndGet();
      if (failuresLeft.getAndDecrement() > 0) {
        Throwable t = error.get();
        if (t instanceof Error) {
          throw (Error) t;
        }
        throw (Exception) t;
      }
    }
  }

  static Supplier<Throwable> error(String kind) {
    switch (kind) {
      case "StackOverflowError":
        return StackOverflowError::new;
      case "AssertionError":
        return () -> new AssertionError("sink invariant");
      case "NoClassDefFoundError":
        return () -> new NoClassDefFoundError("com/example/Missing");
      case "ExceptionInInitializerError":
        return ExceptionInInitializerError::new;
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"StackOverflowError", "AssertionError", "NoClassDefFoundError", "ExceptionInInitializerError"})
  void aSinkThrowingAnErrorOnceIsRetriedInOrderAndTheWriterSurvives(String kind) throws Exception {
    ErrorOnceSink flaky = new ErrorOnceSink(error(kind), 1);
    InMemoryAuditSink mem = AuditSinks.inMemory();
    String log = captureStderr(() -> {
      try (AuditPipeline p = AuditPipeline.start(config(flaky, mem))) {
        for (int i = 0; i < 5; i++) {
          assertTrue(p.recordDurably(decision("t", i), Duration.ofSeconds(5)), "write-ahead record " + i);
        }
        AuditHealth h = p.health();
        assertTrue(h.healthy(), h.toString());
        assertNotNull(h.lastError(), "health remembers the failure");
        assertTrue(h.lastError().contains(kind), h.lastError());
      }
    });
    assertEquals(1, count(log, "failed to write"), log);
    List<AuditEvent> events = mem.events();
    List<AuditEvent> decisions = events.stream().filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).toList();
    assertEquals(5, decisions.size());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(events.get(0).seq() + i, events.get(i).seq(), "in order, gap-free");
    }
  }

  @Test
  void aSinkThatKeepsThrowingAnErrorShowsInHealthAndWriteAheadFailsClosed() throws Exception {
    ErrorOnceSink broken = new ErrorOnceSink(StackOverflowError::new, Integer.MAX_VALUE);
    AuditPipeline p = AuditPipeline.start(config(broken).withCloseTimeout(Duration.ofMillis(200)));
    try {
      assertTrue(p.record(decision("t", 0)), "async records are still accepted");
      assertFalse(p.recordDurably(decision("t", 1), Duration.ofMillis(200)));
      AuditTestSupport.await("retries", Duration.ofSeconds(5), () -> broken.attempts.get() > 3);
      AuditHealth h = p.health();
      assertFalse(h.healthy(), h.toString());
      assertTrue(h.failingSink().contains(ErrorOnceSink.class.getName()), h.toString());
      assertTrue(h.lastError().contains("StackOverflowError"), h.toString());
    } finally {
      captureStderr(p::close);
    }
  }

  @Test
  void aFatalVirtualMachineErrorStopsTheWriterAndHealthSaysSo() throws Exception {
    ErrorOnceSink oom = new ErrorOnceSink(() -> new OutOfMemoryError("simulated"), 1);
    AuditPipeline p = AuditPipeline.start(config(oom));
    captureStderr(() -> {
      assertFalse(p.recordDurably(decision("t", 0), Duration.ofSeconds(5)));
      AuditTestSupport.await("writer stop", Duration.ofSeconds(5), () -> !p.health().healthy());
    });
    AuditHealth h = p.health();
    assertFalse(h.healthy());
    assertTrue(h.lastError().contains("writer stopped") && h.lastError().contains("OutOfMemoryError"), h.toString());
    assertFalse(p.record(decision("t", 1)), "no record is accepted once the writer stopped");
    assertFalse(p.recordDurably(decision("t", 2), Duration.ofMillis(50)));
    p.close();
  }

  @Test
  void aGuardKeepsWorkingAfterASinkThrewStackOverflowErrorOnce() throws Exception {
    ErrorOnceSink flaky = new ErrorOnceSink(StackOverflowError::new, 1);
    InMemoryAuditSink mem = AuditSinks.inMemory();
    AuditGuardSupport.Notes impl = new AuditGuardSupport.Notes();
    captureStderr(() -> {
      try (AgentGuard guard = AgentGuard.builder().policy(AuditGuardSupport.POLICY).auditSink(flaky)
          .auditSink(mem).build()) {
        AuditGuardSupport.NoteTools tools = guard.protect(AuditGuardSupport.NoteTools.class, impl);
        for (int i = 0; i < 3; i++) {
          try (AgentTask task = guard.startTask(AuditGuardSupport.spec())) {
            assertEquals(2 * i + 1, tools.append("a" + i));
            assertEquals(2 * i + 2, tools.publish("p" + i), "write-ahead call after the error");
          }
        }
        assertTrue(guard.auditHealth().healthy(), guard.auditHealth().toString());
      }
    });
    assertEquals(6, impl.calls.get());
    assertEquals(6, mem.events().stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type())).count());
  }

  @Test
  void aSinkThatMutatesTheEventChangesNeitherOtherSinksNorTheChain() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempDirectory("audit").resolve("audit.jsonl");
    AtomicInteger blocked = new AtomicInteger();
    AuditSink vandal = event -> {
      if (!event.type().equals(AuditEvent.TOOL_DECISION)) {
        return;
      }
      for (Object v : event.attributes().values()) {
        if (v instanceof List<?>) {
          try {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) v;
            l.set(0, "forged");
          } catch (UnsupportedOperationException e) {
            blocked.incrementAndGet();
          }
        }
      }
      try {
        event.attributes().put("forged", true);
      } catch (UnsupportedOperationException e) {
        blocked.incrementAndGet();
      }
      try {
        event.reasons().add("forged");
      } catch (UnsupportedOperationException e) {
        blocked.incrementAndGet();
      }
    };
    InMemoryAuditSink mem = AuditSinks.inMemory();
    java.util.ArrayList<Object> recipients = new java.util.ArrayList<>(List.of("alice@acme.example"));
    try (AuditPipeline p = AuditPipeline.start(config(vandal, mem, AuditSinks.jsonLines(file)))) {
      assertTrue(p.recordDurably(AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").tool("email.send")
          .decision("ALLOW").reasons(List.of("permitted by r1"))
          .attributes(java.util.Map.of("resource.to", recipients)), Duration.ofSeconds(5)));
    }
    AuditEvent seen = mem.events().stream().filter(e -> e.type().equals(AuditEvent.TOOL_DECISION))
        .findFirst().orElseThrow();
    assertEquals(List.of("alice@acme.example"), seen.attributes().get("resource.to"));
    assertFalse(seen.attributes().containsKey("forged"));
    assertEquals(List.of("permitted by r1"), seen.reasons());
    assertEquals(3, blocked.get(), "every mutation was refused");
    AuditEvent inFile = dev.agentguard.core.AuditLog.read(file).stream()
        .filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).findFirst().orElseThrow();
    assertEquals(inFile, seen, "what one sink got is what the chain holds");
    assertTrue(dev.agentguard.core.AuditLog.verify(file).ok());
  }

  @Test
  void anAttributeWhoseToStringThrowsDoesNotStopTheWriter() throws Exception {
    InMemoryAuditSink mem = AuditSinks.inMemory();
    Object hostile = new Object() {
      @Override
      public String toString() {
        throw new StackOverflowError();
      }
    };
    try (AuditPipeline p = AuditPipeline.start(config(mem))) {
      p.record(AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").attributes(java.util.Map.of("x", hostile)));
      assertTrue(p.recordDurably(decision("t", 1), Duration.ofSeconds(5)), "the writer survived");
    }
    assertTrue(mem.events().stream().anyMatch(e -> e.attributes().containsKey("x")));
  }
}
