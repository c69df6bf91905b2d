package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskContextTest {

  @Test
  void deniesNoTaskWhenNothingIsBoundAndNeverInvokesTheTarget() {
    try (GuardFixture f = new GuardFixture()) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.NO_TASK, e.code());
      assertEquals(0, f.impl.invocations.get());
      AuditEvent denied = f.drainedEvents().stream().filter(ev -> "tool.decision".equals(ev.type()))
          .findFirst().orElseThrow();
      assertEquals("NO_TASK", denied.code());
    }
  }

  @Test
  void deniesNoTaskAfterTheTaskWasClosedOnAnotherThread() throws Exception {
    try (GuardFixture f = new GuardFixture()) {
      AgentTask task = f.guard.startTask(allScopes());
      f.tools.read("T-1");
      CompletableFuture.runAsync(task::close).get(5, TimeUnit.SECONDS);
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.NO_TASK, e.code());
      assertEquals(1, f.impl.invocations.get());
      assertEquals(Optional.empty(), f.guard.currentTask());
    }
  }

  @Test
  void closeIsIdempotentAndRecordsRevocationBeforeCompletion() {
    try (GuardFixture f = new GuardFixture()) {
      AgentTask task = f.guard.startTask(allScopes());
      task.close();
      task.close();
      List<String> types = GuardFixture.types(f.drainedEvents());
      assertEquals(List.of("audit.opened", "policy.loaded", "task.started", "credential.revoked", "task.completed",
          "audit.closed"), types);
    }
  }

  @Test
  void nestedTaskRestoresTheOuterTaskOnClose() {
    try (GuardFixture f = new GuardFixture(); AgentTask outer = f.guard.startTask(allScopes())) {
      try (AgentTask inner = f.guard.startTask(GuardFixture.spec().scopes("tickets.read").build())) {
        assertSame(inner, f.guard.currentTask().orElseThrow());
        assertThrows(AccessDeniedException.class, () -> f.tools.customer("C-1"));
      }
      assertSame(outer, f.guard.currentTask().orElseThrow());
      assertEquals("customer C-1", f.tools.customer("C-1"));
    }
  }

  @Test
  void wrapCarriesTheTaskToAPoolThreadAndRestoresAfterAThrow() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      assertEquals("ticket T-2", pool.submit(task.wrap(() -> f.tools.read("T-2"))).get(5, TimeUnit.SECONDS));
      Future<?> failing = pool.submit(task.wrap((Runnable) () -> {
        f.tools.read("T-3");
        throw new IllegalStateException("job failed");
      }));
      assertThrows(java.util.concurrent.ExecutionException.class, () -> failing.get(5, TimeUnit.SECONDS));
      Future<DenyCode> next = pool.submit(() -> {
        try {
          f.tools.read("T-4");
          return null;
        } catch (AccessDeniedException e) {
          return e.code();
        }
      });
      assertEquals(DenyCode.NO_TASK, next.get(5, TimeUnit.SECONDS), "the pool thread must not keep the task");
      assertEquals(2, f.impl.invocations.get());
      AtomicInteger ran = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);
      task.wrap(pool).execute(() -> {
        f.tools.read("T-5");
        ran.incrementAndGet();
        done.countDown();
      });
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals(1, ran.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tasksOfAnotherGuardAreNotSeen() {
    try (GuardFixture a = new GuardFixture(); GuardFixture b = new GuardFixture();
        AgentTask task = a.guard.startTask(allScopes())) {
      a.tools.read("T-1");
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> b.tools.read("T-1"));
      assertEquals(DenyCode.NO_TASK, e.code());
    }
  }

  /** Case 27: thousands of tasks on many threads never see each other's context or credential. */
  @Test
  void manyConcurrentTasksNeverCrossTalk() throws Exception {
    int threads = 16;
    int tasksPerThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (GuardFixture f = new GuardFixture(b -> b.auditQueueCapacity(1 << 16))) {
      ConcurrentHashMap<String, String> credentialOfTask = new ConcurrentHashMap<>();
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          int checked = 0;
          for (int i = 0; i < tasksPerThread; i++) {
            String purpose = "t" + thread + "-" + i;
            TaskSpec spec = TaskSpec.builder(AgentIdentity.of("spiffe://acme.example/agent/support-" + thread))
                .purpose(purpose).context("environment", "prod").scopes("tickets.*").build();
            try (AgentTask task = f.guard.startTask(spec)) {
              if (credentialOfTask.putIfAbsent(task.id(), task.credential().id()) != null) {
                throw new AssertionError("task id reused");
              }
              f.tools.read(purpose);
              AgentTask seen = f.guard.currentTask().orElseThrow();
              if (seen != task || !purpose.equals(seen.purpose()) || seen.calls() != 1
                  || !seen.credential().id().equals(credentialOfTask.get(task.id()))) {
                throw new AssertionError("cross-talk on " + purpose);
              }
              checked++;
            }
            if (f.guard.currentTask().isPresent()) {
              throw new AssertionError("task still bound after close");
            }
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> fu : futures) {
        total += fu.get(60, TimeUnit.SECONDS);
      }
      assertEquals(threads * tasksPerThread, total);
      assertEquals(threads * tasksPerThread, f.impl.invocations.get());
      assertEquals(threads * tasksPerThread, credentialOfTask.values().stream().distinct().count());
      assertFalse(f.guard.currentTask().isPresent());
    } finally {
      pool.shutdownNow();
    }
  }
}
