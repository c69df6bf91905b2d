package dev.agentguard.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link ApprovalVirtualThreadStress} in a child JVM of a JDK with virtual threads, named by
 * {@code AGENTGUARD_VT_JAVA} (its {@code bin/java}), as {@link VirtualThreadTasksTest} does; skipped
 * without it, and says so in the build output.
 */
class ApprovalVirtualThreadTest {
  @Test
  void aThousandApprovalsWaitOnVirtualThreadsWithoutPinningTheirCarriers() throws IOException, InterruptedException {
    String configured = System.getenv("AGENTGUARD_VT_JAVA");
    Path java = configured != null && Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
    if (java == null) {
      System.out.println("[agentguard-core] SKIPPED ApprovalVirtualThreadTest: no JDK 21+ configured;"
          + " set AGENTGUARD_VT_JAVA to its bin/java");
    }
    assumeTrue(java != null, "no JDK 21+ configured (set AGENTGUARD_VT_JAVA to its bin/java)");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        "-Djdk.virtualThreadScheduler.parallelism=2", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        ApprovalVirtualThreadStress.class.getName(), "1000").redirectErrorStream(true).start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done, "the stress run did not finish: " + out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("virtual-thread approvals ok: 1000/1000"), out);
  }
}
