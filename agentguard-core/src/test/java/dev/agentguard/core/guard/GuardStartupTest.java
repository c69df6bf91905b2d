package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.PolicyException;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a guard does at start when its policy file is missing or invalid, and at JVM exit. */
class GuardStartupTest {
  @TempDir Path dir;

  // docs/security-cases.md #45 (issue 11 item 16)
  @Test
  void buildFailsWithThePolicyErrorWhenThePolicyFileIsMissing() {
    Path file = dir.resolve("missing.yaml");
    PolicyException e = assertThrows(PolicyException.class,
        () -> AgentGuard.builder().policy(file).auditSink(AuditSinks.inMemory()).build());
    assertTrue(e.getMessage().contains("missing.yaml"), e.getMessage());
  }

  @Test
  void buildFailsWithFileLineAndColumnWhenThePolicyIsInvalid() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "version: 1\npolicies:\n  - id: x\n    effect: perhaps\n    tools: [\"a\"]\n");
    PolicyException e = assertThrows(PolicyException.class,
        () -> AgentGuard.builder().policy(file).auditSink(AuditSinks.inMemory()).build());
    assertEquals(4, e.line(), e.getMessage());
    assertTrue(e.column() > 0, e.getMessage());
  }

  @Test
  void allowStartWithoutPolicyKeepsDenyingAndNamesTheLastRejection() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "version: 1\npolicies:\n  - id: x\n    effect: perhaps\n    tools: [\"a\"]\n");
    SupportTools.Impl impl = new SupportTools.Impl();
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (AgentGuard guard = AgentGuard.builder().policy(file).allowStartWithoutPolicy()
        .auditSink(sink).build();
        AgentTask t = guard.startTask(allScopes())) {
      SupportTools tools = guard.protect(SupportTools.class, impl);
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.read("T-1"));
      assertEquals(dev.agentguard.DenyCode.POLICY_UNAVAILABLE, e.code());
      String reasons = String.join(" ", e.decision().reasons());
      assertTrue(reasons.contains("bad.yaml:4:"), reasons);
    }
    assertEquals(0, impl.invocations.get());
    assertTrue(sink.events().stream().anyMatch(ev -> AuditEvent.POLICY_REJECTED.equals(ev.type())));
  }

  /** Run in a child JVM: writes one call to a JSON Lines trail and exits without closing the guard. */
  public static final class ExitWithoutClose {
    public static void main(String[] args) throws Exception {
      AgentGuard guard = AgentGuard.builder()
          .policy(dev.agentguard.core.PolicySet.parse(GuardFixture.POLICY))
          .auditSink(AuditSinks.jsonLines(Path.of(args[0])))
          .build();
      SupportTools tools = guard.protect(SupportTools.class, new SupportTools.Impl());
      guard.startTask(allScopes());
      tools.read("T-1");
      System.exit(0);
    }
  }

  // docs/security-cases.md #45 (issue 11 item 13, the shutdown-hook half)
  @Test
  void aJvmExitWithoutCloseStillClosesTheTaskAndDrainsTheTrail() throws Exception {
    Path trail = dir.resolve("audit.jsonl");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, ExitWithoutClose.class.getName(), trail.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.log")));
    List<String> lines = Files.readAllLines(trail, StandardCharsets.UTF_8);
    String all = String.join("\n", lines);
    assertTrue(all.contains("\"outcome\":\"success\""), all); // the call's one record (decision and outcome)
    assertTrue(all.contains("\"task.completed\""), "the hook closed the open task: " + all);
  }

  @Test
  void theShutdownHookCanBeTurnedOff() throws Exception {
    Path trail = dir.resolve("audit.jsonl");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, NoHook.class.getName(), trail.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.log")));
    String all = Files.exists(trail) ? Files.readString(trail) : "";
    assertTrue(!all.contains("\"task.completed\""), "no hook, no task.completed: " + all);
  }

  /** As {@link ExitWithoutClose}, with the hook turned off. */
  public static final class NoHook {
    public static void main(String[] args) throws Exception {
      AgentGuard guard = AgentGuard.builder()
          .policy(dev.agentguard.core.PolicySet.parse(GuardFixture.POLICY))
          .auditSink(AuditSinks.jsonLines(Path.of(args[0])))
          .closeOnShutdown(false)
          .build();
      guard.startTask(allScopes());
      System.exit(0);
    }
  }
}
