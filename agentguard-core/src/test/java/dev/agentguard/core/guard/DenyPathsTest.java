package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditSink;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AuditOverflow;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every deny code the guard produces, each with the proof that the tool body did not run. */
class DenyPathsTest {
  private static void assertDenied(DenyCode expected, GuardFixture f, Runnable call) {
    int before = f.impl.invocations.get();
    AccessDeniedException e = assertThrows(AccessDeniedException.class, call::run);
    assertEquals(expected, e.code(), e.decision().toString());
    assertEquals(before, f.impl.invocations.get(), "the tool body ran on a deny");
  }

  @Test
  void noTask() {
    try (GuardFixture f = new GuardFixture()) {
      assertDenied(DenyCode.NO_TASK, f, () -> f.tools.read("T-1"));
    }
  }

  @Test
  void expired() {
    try (GuardFixture f = new GuardFixture(); AgentTask t = f.guard.startTask(allScopes())) {
      f.clock.advance(Duration.ofMinutes(10));
      assertDenied(DenyCode.CREDENTIAL_EXPIRED, f, () -> f.tools.read("T-1"));
    }
  }

  @Test
  void revoked() {
    try (GuardFixture f = new GuardFixture(); AgentTask t = f.guard.startTask(allScopes())) {
      f.guard.revokeTask(t.id());
      assertDenied(DenyCode.CREDENTIAL_REVOKED, f, () -> f.tools.read("T-1"));
    }
  }

  @Test
  void outOfScope() {
    try (GuardFixture f = new GuardFixture();
        AgentTask t = f.guard.startTask(GuardFixture.spec().scopes("tickets.read").build())) {
      assertDenied(DenyCode.OUT_OF_SCOPE, f, () -> f.tools.email("a@b.c", "tok"));
    }
  }

  @Test
  void forbidden() {
    try (GuardFixture f = new GuardFixture(); AgentTask t = f.guard.startTask(allScopes())) {
      assertDenied(DenyCode.FORBIDDEN, f, () -> f.tools.tag(java.util.List.of("secret")));
    }
  }

  @Test
  void noMatchingPermit() {
    try (GuardFixture f = new GuardFixture();
        AgentTask t = f.guard.startTask(dev.agentguard.TaskSpec.builder(GuardFixture.SUPPORT_BOT)
            .context("environment", "staging").scopes("tickets.*").build())) {
      assertDenied(DenyCode.NO_MATCHING_PERMIT, f, () -> f.tools.read("T-1"));
    }
  }

  @Test
  void evaluationErrorInAForbidDenies() {
    // no-exfiltration reads destination.external: a URL without a host leaves it missing, which is an
    // error once the other operand is true (confidential data touched): Kleene error && true = error
    try (GuardFixture f = new GuardFixture(); AgentTask t = f.guard.startTask(allScopes())) {
      f.tools.customer("C-1");
      assertDenied(DenyCode.EVALUATION_ERROR, f, () -> f.tools.post("not a url", "x"));
    }
  }

  /** A tool whose argument cannot be frozen: its text throws. */
  public interface Notes {
    @dev.agentguard.AgentTool("tickets.note")
    String note(@dev.agentguard.Attr("resource.text") CharSequence text);
  }

  @Test
  void anArgumentThatCannotBeFrozenDeniesAndIsAudited() {
    java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
    try (GuardFixture f = new GuardFixture(); AgentTask t = f.guard.startTask(allScopes())) {
      Notes notes = f.guard.protect(Notes.class, text -> {
        ran.incrementAndGet();
        return "noted";
      });
      CharSequence hostile = new CharSequence() {
        @Override
        public int length() {
          return 1;
        }

        @Override
        public char charAt(int index) {
          return 'x';
        }

        @Override
        public CharSequence subSequence(int start, int end) {
          return this;
        }

        @Override
        public String toString() {
          throw new IllegalStateException("secret-in-message");
        }
      };
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> notes.note(hostile));
      assertEquals(DenyCode.EVALUATION_ERROR, e.code());
      assertEquals(0, ran.get(), "the tool body ran on a deny");
      assertTrue(!e.getMessage().contains("secret-in-message"), e.getMessage());
      assertTrue(f.drainedEvents().stream().anyMatch(ev -> "EVALUATION_ERROR".equals(ev.code())
          && "tickets.note".equals(ev.tool())));
    }
  }

  @Test
  void limitExceeded() {
    try (GuardFixture f = new GuardFixture(); AgentTask t = f.guard.startTask(allScopes())) {
      for (int i = 0; i < 3; i++) {
        f.tools.email("a@acme.example", "tok");
      }
      assertDenied(DenyCode.LIMIT_EXCEEDED, f, () -> f.tools.email("a@acme.example", "tok"));
    }
  }

  @Test
  void auditUnavailableForWriteAheadCallsWhenTheSinkFails() {
    AuditSink broken = event -> {
      throw new java.io.IOException("disk full");
    };
    try (GuardFixture f = new GuardFixture(b -> b.auditSink(broken)
        .writeAheadTimeout(Duration.ofMillis(200)).auditCloseTimeout(Duration.ofMillis(300)));
        AgentTask t = f.guard.startTask(allScopes())) {
      assertDenied(DenyCode.AUDIT_UNAVAILABLE, f, () -> f.tools.post("https://api.acme.example/x", "b"));
      assertTrue(f.guard.auditHealth() != null);
    }
  }

  @Test
  void auditUnavailableWhenTheQueueIsFullUnderDenyAfterWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AuditSink stalled = event -> release.await(10, TimeUnit.SECONDS);
    try (GuardFixture f = new GuardFixture(b -> b.auditSink(stalled).auditQueueCapacity(16)
        .auditOverflow(AuditOverflow.DENY_AFTER_WAIT, Duration.ofMillis(20))
        .writeAheadRisk(Risk.CRITICAL).auditCloseTimeout(Duration.ofSeconds(5)))) {
      AgentTask t = f.guard.startTask(allScopes());
      AccessDeniedException denied = null;
      for (int i = 0; i < 200 && denied == null; i++) {
        try {
          f.tools.read("T-" + i);
        } catch (AccessDeniedException e) {
          denied = e;
        }
      }
      release.countDown();
      assertTrue(denied != null, "a full queue must deny under DENY_AFTER_WAIT");
      assertEquals(DenyCode.AUDIT_UNAVAILABLE, denied.code());
      t.close();
    }
  }

  @Test
  void policyUnavailable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("missing.yaml");
    SupportTools.Impl impl = new SupportTools.Impl();
    // since 0.2.0 a missing policy file fails build() unless the guard is told to start without one
    try (dev.agentguard.core.AgentGuard guard = dev.agentguard.core.AgentGuard.builder().policy(file)
        .allowStartWithoutPolicy().auditSink(dev.agentguard.core.AuditSinks.inMemory()).build();
        AgentTask t = guard.startTask(allScopes())) {
      SupportTools tools = guard.protect(SupportTools.class, impl);
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.read("T-1"));
      assertEquals(DenyCode.POLICY_UNAVAILABLE, e.code());
    }
    assertEquals(0, impl.invocations.get());
  }
}
