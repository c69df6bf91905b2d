package dev.agentguard.core.guard;

import dev.agentguard.AgentTask;
import dev.agentguard.ApprovalRequest;
import dev.agentguard.core.ApprovalQueue;
import dev.agentguard.core.Approvals;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many calls waiting for approvals at once, each on its own virtual thread: far more waiters than
 * carrier threads, so a wait that pinned its carrier would stall the run. Run in a child JVM of a
 * JDK with virtual threads (see {@link ApprovalVirtualThreadTest}); exits non-zero unless every call
 * was approved and ran exactly once.
 */
public final class ApprovalVirtualThreadStress {
  private ApprovalVirtualThreadStress() {}

  /** Runs {@code args[0]} approvals (default 1,000) on virtual threads. */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    ApprovalQueue q = Approvals.inMemory();
    try (GuardFixture f = new GuardFixture(PolicySet.parse(ApprovalTest.POLICY), b -> b.approvals(q))) {
      List<Future<Boolean>> results = new ArrayList<>(calls);
      for (int i = 0; i < calls; i++) {
        int k = i;
        results.add(virtual.submit(() -> {
          if (!Thread.currentThread().getClass().getName().contains("Virtual")) {
            throw new AssertionError("not a virtual thread: " + Thread.currentThread());
          }
          try (AgentTask t = f.guard.startTask(GuardFixture.allScopes())) {
            return "posted".equals(f.tools.post("https://api.acme.example/" + k, "b"));
          }
        }));
      }
      int approved = 0;
      while (approved < calls) {
        Optional<ApprovalRequest> r = q.awaitPending(Duration.ofSeconds(60));
        if (r.isEmpty()) {
          break;
        }
        if (q.approve(r.get().id(), "user:stress")) {
          approved++;
        }
      }
      int ok = 0;
      for (Future<Boolean> r : results) {
        if (r.get(2, TimeUnit.MINUTES)) {
          ok++;
        }
      }
      virtual.shutdown();
      System.out.println("virtual-thread approvals ok: " + ok + "/" + calls + ", tool invocations: "
          + f.impl.invocations.get());
      System.exit(ok == calls && f.impl.invocations.get() == calls ? 0 : 1);
    }
  }
}
