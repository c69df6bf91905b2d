package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentGuardException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code task.completed} is a task's last event: close waits, bounded, for calls in flight. */
class TaskCloseTest {
  /** A tool whose body blocks until released. */
  public interface Slow {
    @AgentTool(value = "tickets.slow", risk = Risk.LOW)
    String slow();
  }

  private static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");

  /** A body that signals it entered, then waits to be released. */
  static Slow blocking(CountDownLatch entered, CountDownLatch release) {
    return () -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "done";
    };
  }

  private static int indexOf(List<AuditEvent> events, String type, String tool) {
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      if (e.type().equals(type) && (tool == null || tool.equals(e.tool()))) {
        return i;
      }
    }
    return -1;
  }

  // issue 11 item 19
  @Test
  void closeWaitsForACallInFlightSoTaskCompletedComesLast() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b)) {
      Slow slow = f.guard.protect(Slow.class, blocking(entered, release));
      AgentTask task = f.guard.startTask(allScopes());
      Future<String> call = pool.submit(task.wrap(slow::slow));
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      Future<?> closing = pool.submit(task::close);
      assertThrows(java.util.concurrent.TimeoutException.class, () -> closing.get(300, TimeUnit.MILLISECONDS),
          "close must wait for the call in flight");
      release.countDown();
      assertEquals("done", call.get(10, TimeUnit.SECONDS));
      closing.get(10, TimeUnit.SECONDS);
      List<AuditEvent> events = f.drainedEvents();
      int completedCall = indexOf(events, AuditEvent.TOOL_DECISION, "tickets.slow"); // one record, after the body
      int completedTask = indexOf(events, AuditEvent.TASK_COMPLETED, null);
      assertTrue(completedCall >= 0 && completedCall < completedTask, GuardFixture.types(events).toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeGivesUpAfterTheBoundAndSaysHowManyCallsWereStillRunning() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (GuardFixture f = new GuardFixture(PERMIT_ALL,
        b -> b.taskCloseTimeout(Duration.ofMillis(100)))) {
      Slow slow = f.guard.protect(Slow.class, blocking(entered, release));
      AgentTask task = f.guard.startTask(allScopes());
      Future<String> call = pool.submit(task.wrap(slow::slow));
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      task.close();
      assertFalse(task.isOpen());
      release.countDown();
      call.get(10, TimeUnit.SECONDS);
      AuditEvent completed = f.drainedEvents().stream()
          .filter(e -> AuditEvent.TASK_COMPLETED.equals(e.type())).findFirst().orElseThrow();
      assertEquals(1L, completed.attributes().get("task.callsInFlight"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aToolThatClosesItsOwnTaskDoesNotWaitForItself() {
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b)) {
      AgentTask[] holder = new AgentTask[1];
      Slow slow = f.guard.protect(Slow.class, () -> {
        holder[0].close();
        return "closed myself";
      });
      holder[0] = f.guard.startTask(allScopes());
      long start = System.nanoTime();
      assertEquals("closed myself", slow.slow());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "close waited for its own call");
    }
  }

  // issue 11 item 23: decided and documented — startTask after close throws, it has no call to deny
  @Test
  void startTaskAfterCloseThrowsAnAgentGuardException() {
    GuardFixture f = new GuardFixture();
    f.guard.close();
    assertThrows(AgentGuardException.class, () -> f.guard.startTask(allScopes()));
  }
}
