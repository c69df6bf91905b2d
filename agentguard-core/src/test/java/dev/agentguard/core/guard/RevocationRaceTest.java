package dev.agentguard.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.DenyCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/** docs/security-cases.md #35: once revoke returns, no call that starts afterwards passes. */
class RevocationRaceTest {

  @RepeatedTest(5)
  void noCallPassesAfterRevokeReturns() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (GuardFixture f = new GuardFixture()) {
      AgentTask task = f.guard.startTask(GuardFixture.allScopes());
      AtomicBoolean revoked = new AtomicBoolean();
      AtomicInteger violations = new AtomicInteger();
      AtomicInteger deniedAfter = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(task.wrap(() -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          int afterRevocation = 0;
          while (afterRevocation < 200 && System.nanoTime() < deadline) {
            boolean revokedBefore = revoked.get();
            if (revokedBefore) {
              afterRevocation++;
            }
            try {
              f.tools.read("T-1");
              if (revokedBefore) {
                violations.incrementAndGet();
              }
            } catch (AccessDeniedException e) {
              if (e.code() != DenyCode.CREDENTIAL_REVOKED) {
                violations.incrementAndGet();
              }
              if (revokedBefore) {
                deniedAfter.incrementAndGet();
              }
            }
          }
        })));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (f.impl.invocations.get() < 100 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      f.guard.revokeTask(task.id());
      revoked.set(true);
      for (Future<?> fu : futures) {
        fu.get(60, TimeUnit.SECONDS);
      }
      assertEquals(0, violations.get(), "a call that started after revokeTask returned was allowed");
      assertEquals(threads * 200, deniedAfter.get(), "every call after the revocation is denied");
      task.close();
    } finally {
      pool.shutdownNow();
    }
  }
}
