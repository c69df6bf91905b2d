package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static dev.agentguard.core.guard.GuardFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentGuardException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.CredentialException;
import dev.agentguard.DenyCode;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.PolicySet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code AgentGuard.openTask}: a task bound to no thread, run under with {@code AgentTask.wrap}. */
class OpenTaskTest {
  /** Another agent the policy permits, with every scope: the task a thread may have bound already. */
  private static final AgentIdentity OTHER_BOT = AgentIdentity.of("spiffe://acme.example/agent/support-other");

  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(3);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** Only ticket reads: narrower than {@link #OTHER_BOT}'s task. */
  private static TaskSpec ticketsOnly() {
    return spec().scopes("tickets.*").build();
  }

  private static TaskSpec otherAgentWithAllScopes() {
    return TaskSpec.builder(OTHER_BOT).onBehalfOf("user:bob").context("environment", "prod")
        .scopes("tickets.*", "customers.read", "http.post", "email.send").build();
  }

  private static <V> V on(ExecutorService threads, Callable<V> work) throws Exception {
    return threads.submit(work).get(10, TimeUnit.SECONDS);
  }

  private static List<AuditEvent> ofType(List<AuditEvent> events, String type) {
    return events.stream().filter(e -> type.equals(e.type())).collect(Collectors.toList());
  }

  @Test
  void opensATaskBoundToNoThreadWithItsCredentialAndTaskStarted() {
    // docs/security-cases.md #90
    try (GuardFixture f = new GuardFixture()) {
      AgentTask task = f.guard.openTask(allScopes());
      assertTrue(task.isOpen());
      assertEquals(Optional.empty(), f.guard.currentTask(), "openTask must not bind the calling thread");
      assertEquals(task.id(), f.guard.verifyCredential(task.credential().token()).taskId());
      // docs/security-cases.md #23: outside its wrap the opening thread has no task
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.NO_TASK, e.code());
      assertEquals(0, f.impl.invocations.get(), "the tool body ran without a task");
      task.close();
      List<AuditEvent> events = f.drainedEvents();
      AuditEvent started = ofType(events, AuditEvent.TASK_STARTED).get(0);
      assertEquals(task.id(), started.task());
      assertEquals(GuardFixture.SUPPORT_BOT.id(), started.agent());
      assertTrue(ofType(events, AuditEvent.TOOL_DECISION).stream().anyMatch(d -> "NO_TASK".equals(d.code())),
          "the NO_TASK denial must be recorded");
      assertEquals(1, ofType(events, AuditEvent.TASK_COMPLETED).size());
    }
  }

  @Test
  void wrappedWorkRunsUnderTheTaskOnAPoolThreadAndLeavesTheThreadAsItWas() throws Exception {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.openTask(allScopes())) {
      ExecutorService single = Executors.newSingleThreadExecutor();
      try {
        assertEquals("ticket T-1", on(single, task.wrap(() -> f.tools.read("T-1"))));
        assertEquals(Optional.empty(), on(single, f.guard::currentTask), "the pool thread kept the task");
        assertEquals(1L, task.calls());
      } finally {
        single.shutdownNow();
      }
    }
  }

  @Test
  void callsRunAsTheOpenedTasksAgentAndScopesNotAsTheTaskTheThreadHasBound() { // docs/security-cases.md #23
    try (GuardFixture f = new GuardFixture(); AgentTask opened = f.guard.openTask(ticketsOnly());
        AgentTask other = f.guard.startTask(otherAgentWithAllScopes())) {
      assertSame(other, f.guard.currentTask().orElseThrow());
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> opened.wrap(() -> f.tools.customer("C-1")).call());
      assertEquals(DenyCode.OUT_OF_SCOPE, e.code(), "the bound task's scopes must not widen the opened task's");
      assertEquals(0, f.impl.invocations.get());
      assertEquals("ticket T-1", assertDoesNotThrowCall(opened.wrap(() -> f.tools.read("T-1"))));
      assertSame(other, f.guard.currentTask().orElseThrow(), "wrap must restore the thread's own task");
      assertEquals("customer C-1", f.tools.customer("C-1"));
      List<AuditEvent> decisions = ofType(f.drainedEvents(), AuditEvent.TOOL_DECISION);
      AuditEvent denied = decisions.get(0);
      AuditEvent allowedRead = decisions.get(1);
      assertEquals(opened.id(), denied.task());
      assertEquals(GuardFixture.SUPPORT_BOT.id(), denied.agent());
      assertEquals(opened.id(), allowedRead.task());
      assertEquals(GuardFixture.SUPPORT_BOT.id(), allowedRead.agent());
      assertEquals(OTHER_BOT.id(), decisions.get(2).agent());
    }
  }

  @Test
  void aClosedOpenedTaskIsNeverBoundAgainAndNeverFallsBackToTheThreadsTask() throws Exception {
    // docs/security-cases.md #91
    try (GuardFixture f = new GuardFixture()) {
      AgentTask opened = f.guard.openTask(allScopes());
      Callable<String> wrappedBeforeClose = opened.wrap(() -> f.tools.read("T-1"));
      opened.close();
      assertFalse(opened.isOpen());
      assertThrows(CredentialException.class, () -> f.guard.verifyCredential(opened.credential().token()),
          "closing the opened task must revoke its credential");
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> pool.submit(opened.wrap(() -> f.tools.read("T-2"))).get(10, TimeUnit.SECONDS));
      assertEquals(DenyCode.NO_TASK, assertInstanceOf(AccessDeniedException.class, failed.getCause()).code());
      try (AgentTask other = f.guard.startTask(otherAgentWithAllScopes())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, wrappedBeforeClose::call);
        assertEquals(DenyCode.NO_TASK, e.code(), "a closed task must not borrow the thread's open task");
        assertSame(other, f.guard.currentTask().orElseThrow());
      }
      assertEquals(0, f.impl.invocations.get(), "a tool body ran under a closed task");
      List<AuditEvent> events = f.drainedEvents();
      assertEquals(2, ofType(events, AuditEvent.TOOL_DECISION).stream()
          .filter(d -> "NO_TASK".equals(d.code())).count(), "every denial is recorded");
      assertEquals(1, ofType(events, AuditEvent.TASK_COMPLETED).stream()
          .filter(c -> opened.id().equals(c.task())).count());
    }
  }

  @Test
  void revokingTheTaskOrItsAgentEndsWorkWrappedWithIt() throws Exception {
    try (GuardFixture f = new GuardFixture()) {
      AgentTask byTask = f.guard.openTask(allScopes());
      AgentTask byAgent = f.guard.openTask(allScopes());
      f.guard.revokeTask(byTask.id());
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> byTask.wrap(() -> f.tools.read("T-1")).call());
      assertEquals(DenyCode.CREDENTIAL_REVOKED, e.code());
      f.guard.revokeAgent(GuardFixture.SUPPORT_BOT.id());
      e = assertThrows(AccessDeniedException.class, () -> byAgent.wrap(() -> f.tools.read("T-1")).call());
      assertEquals(DenyCode.CREDENTIAL_REVOKED, e.code());
      assertEquals(0, f.impl.invocations.get());
      assertFalse(byTask.isOpen());
      assertFalse(byAgent.isOpen());
    }
  }

  @Test
  void boundOnTwoThreadsAtOnceTheCallsShareTheBudgetAndCloseWaitsForBoth() throws Exception { // docs/security-cases.md #58
    PolicySet policy = PolicySet.parse(String.join("\n",
        "version: 1",
        "policies:",
        "  - id: all",
        "    effect: permit",
        "    tools: [\"**\"]",
        "limits:",
        "  - id: two-slow-calls",
        "    tools: [\"tickets.slow\"]",
        "    maxCallsPerTask: 2",
        ""));
    CountDownLatch entered = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    try (GuardFixture f = new GuardFixture(policy, b -> b)) {
    // docs/security-cases.md #92
      TaskCloseTest.Slow slow = f.guard.protect(TaskCloseTest.Slow.class, TaskCloseTest.blocking(entered, release));
      AgentTask task = f.guard.openTask(spec().scopes("tickets.*").build());
      Future<String> first = pool.submit(task.wrap(slow::slow));
      Future<String> second = pool.submit(task.wrap(slow::slow));
      assertTrue(entered.await(10, TimeUnit.SECONDS), "both threads must be inside the task's calls at once");
      AccessDeniedException third = assertThrows(AccessDeniedException.class, () -> task.wrap(slow::slow).call());
      assertEquals(DenyCode.LIMIT_EXCEEDED, third.code(), "the threads' calls count against one budget");
      Future<?> closing = pool.submit(task::close);
      assertThrows(TimeoutException.class, () -> closing.get(300, TimeUnit.MILLISECONDS),
          "close must wait for the calls in flight on both threads");
      release.countDown();
      assertEquals("done", first.get(10, TimeUnit.SECONDS));
      assertEquals("done", second.get(10, TimeUnit.SECONDS));
      closing.get(10, TimeUnit.SECONDS);
      assertEquals(2L, task.calls());
      List<AuditEvent> events = f.drainedEvents();
      int lastCompletedCall = -1;
      int taskCompleted = -1;
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).outcome() != null) { // a call's one record, or a tool.completed (either form)
          lastCompletedCall = i;
        } else if (AuditEvent.TASK_COMPLETED.equals(events.get(i).type())) {
          taskCompleted = i;
        }
      }
      assertTrue(lastCompletedCall >= 0 && lastCompletedCall < taskCompleted, GuardFixture.types(events).toString());
      assertEquals(null, events.get(taskCompleted).attributes().get("task.callsInFlight"));
    }
  }

  @Test
  void closingTheGuardClosesOpenedTasks() {
    GuardFixture f = new GuardFixture();
    AgentTask task = f.guard.openTask(allScopes());
    List<AuditEvent> events = f.drainedEvents();
    assertFalse(task.isOpen());
    assertEquals(1, ofType(events, AuditEvent.TASK_COMPLETED).stream().filter(c -> task.id().equals(c.task())).count());
    assertThrows(AgentGuardException.class, () -> f.guard.openTask(allScopes()), "a closed guard opens no task");
  }

  @Test
  void rejectsANullSpecAndAnInvalidScopeLikeStartTask() {
    try (GuardFixture f = new GuardFixture()) {
      assertThrows(NullPointerException.class, () -> f.guard.openTask(null));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.openTask(spec().scopes("tickets.***").build()));
      assertTrue(e.getMessage().startsWith("invalid scope in task spec"), e.getMessage());
    }
  }

  private static <V> V assertDoesNotThrowCall(Callable<V> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw new AssertionError("expected the call to pass", e);
    }
  }
}
