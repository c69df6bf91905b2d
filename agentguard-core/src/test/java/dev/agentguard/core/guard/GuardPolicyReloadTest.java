package dev.agentguard.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/security-cases.md #11 through the guard: reloads swap atomically and are audited; a bad file keeps the old policy. */
class GuardPolicyReloadTest {
  private static final String ALLOW_READS = "version: 1\npolicies:\n  - id: reads\n    effect: permit\n"
      + "    tools: [\"tickets.read\"]\n";
  private static final String FORBID_READS = ALLOW_READS
      + "  - id: freeze\n    effect: forbid\n    tools: [\"tickets.*\"]\n";

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10); // polling for the watcher thread, not waiting for time to pass
    }
  }

  private static void replace(Path file, String content) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A guard on {@code file}, written with {@link #ALLOW_READS} first, polled every 20 ms. */
  private static AgentGuard watching(Path file, InMemoryAuditSink sink) throws Exception {
    Files.writeString(file, ALLOW_READS);
    return AgentGuard.builder().policy(file).policyPollInterval(Duration.ofMillis(20)).auditSink(sink).build();
  }

  @Test
  void aNewVersionSwapsInAndABrokenOneIsRejectedAndAudited(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    InMemoryAuditSink sink = AuditSinks.inMemory();
    SupportTools.Impl impl = new SupportTools.Impl();
    try (AgentGuard guard = watching(file, sink)) {
      SupportTools tools = guard.protect(SupportTools.class, impl);
      String first = guard.policyVersion().orElseThrow();
      try (AgentTask task = guard.startTask(GuardFixture.allScopes())) {
        tools.read("T-1");

        replace(file, FORBID_READS);
        await(() -> !first.equals(guard.policyVersion().orElse(first)), "the new version");
        String second = guard.policyVersion().orElseThrow();
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.read("T-1"));
        assertEquals(DenyCode.FORBIDDEN, e.code());
        assertEquals(second, e.decision().policyVersion());

        Files.writeString(file, "version: 1\npolicies:\n  - id: half-writ");
        await(() -> sink.events().stream().anyMatch(ev -> AuditEvent.POLICY_REJECTED.equals(ev.type())),
            "the rejection record");
        assertEquals(second, guard.policyVersion().orElseThrow(), "the last good version stays live");
        assertEquals(DenyCode.FORBIDDEN, assertThrows(AccessDeniedException.class, () -> tools.read("T-1")).code());
        assertNotEquals(first, second);
      }
    }
    long loaded = sink.events().stream().filter(ev -> AuditEvent.POLICY_LOADED.equals(ev.type())).count();
    assertEquals(2, loaded, "the initial load and the reload are both recorded");
    assertTrue(sink.events().stream().filter(ev -> AuditEvent.POLICY_REJECTED.equals(ev.type()))
        .allMatch(ev -> ev.error() != null && ev.error().contains("policy.yaml")));
    assertEquals(1, impl.invocations.get());
  }

  /**
   * A call no limit covers takes no budget reservation at all; a reload that adds a limit must still
   * count and deny from the next call on (the limits are read per call from the live policy set).
   */
  @Test
  void aLimitAddedByAReloadCoversCallsThatHadNoLimitBefore(@TempDir Path dir) throws Exception { // docs/security-cases.md #11
    // docs/security-cases.md #98
    Path file = dir.resolve("policy.yaml");
    SupportTools.Impl impl = new SupportTools.Impl();
    try (AgentGuard guard = watching(file, AuditSinks.inMemory())) {
      SupportTools tools = guard.protect(SupportTools.class, impl);
      String first = guard.policyVersion().orElseThrow();
      try (AgentTask task = guard.startTask(GuardFixture.allScopes())) {
        for (int i = 0; i < 5; i++) {
          tools.read("T-" + i); // no limit: any number of calls
        }
        replace(file, ALLOW_READS + "limits:\n  - id: read-budget\n    tools: [\"tickets.*\"]\n"
            + "    maxCallsPerTask: 6\n");
        await(() -> !first.equals(guard.policyVersion().orElse(first)), "the version with the limit");
        tools.read("T-5"); // the budget counts from the reload on: one of six taken
        int allowed = 1;
        AccessDeniedException denied = null;
        for (int i = 0; i < 10 && denied == null; i++) {
          try {
            tools.read("T-more");
            allowed++;
          } catch (AccessDeniedException e) {
            denied = e;
          }
        }
        assertEquals(6, allowed, "six calls under the new limit, then a deny");
        assertEquals(DenyCode.LIMIT_EXCEEDED, denied.code());
        assertEquals(11, impl.invocations.get(), "the denied call's body never ran");
      }
    }
  }
}
