package dev.agentguard.core.guard;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * docs/security-cases.md #27 on virtual threads: thousands of tasks, each on its own virtual thread, never see another
 * task's context or credential. Run in a child JVM of a JDK that has virtual threads (see
 * {@link VirtualThreadTasksTest}); exits non-zero on any cross-talk.
 */
public final class VirtualThreadStress {
  private VirtualThreadStress() {}

  /** Runs {@code args[0]} tasks (default 10,000) on virtual threads. */
  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    ExecutorService virtual = (ExecutorService) Executors.class
        .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    try (GuardFixture f = new GuardFixture(b -> b.auditQueueCapacity(1 << 16))) {
      List<Future<Boolean>> results = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        String purpose = "vt-" + i;
        results.add(virtual.submit(() -> {
          if (!Thread.currentThread().getClass().getName().contains("Virtual")) {
            throw new AssertionError("not a virtual thread: " + Thread.currentThread());
          }
          TaskSpec spec = TaskSpec.builder(AgentIdentity.of("spiffe://acme.example/agent/support-" + purpose))
              .purpose(purpose).context("environment", "prod").scopes("tickets.*").build();
          try (AgentTask task = f.guard.startTask(spec)) {
            String result = f.tools.read(purpose);
            Thread.yield();
            AgentTask seen = f.guard.currentTask().orElseThrow();
            return result.equals("ticket " + purpose) && seen == task && purpose.equals(seen.purpose())
                && seen.calls() == 1 && seen.credential().id().equals(task.credential().id());
          }
        }));
      }
      int ok = 0;
      for (Future<Boolean> r : results) {
        if (r.get(2, TimeUnit.MINUTES)) {
          ok++;
        }
      }
      virtual.shutdown();
      System.out.println("virtual-thread tasks ok: " + ok + "/" + tasks + ", tool invocations: "
          + f.impl.invocations.get());
      System.exit(ok == tasks && f.impl.invocations.get() == tasks ? 0 : 1);
    }
  }
}
