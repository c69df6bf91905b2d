package dev.agentguard.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link VirtualThreadStress} in a child JVM of a JDK with virtual threads (21+): the build's
 * baseline is Java 17, so the test JVM itself may have none. The JDK is configuration, not a path in
 * the code: the environment variable {@code AGENTGUARD_VT_JAVA} names its {@code bin/java}
 * ({@code .ci/run} sets it when the machine has a JDK 21+); without it the test is skipped and says
 * so in the build output.
 */
class VirtualThreadTasksTest {
  private static Path modernJava() {
    String configured = System.getenv("AGENTGUARD_VT_JAVA");
    return configured != null && Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
  }

  /**
   * Runs {@code main} in a child JVM of the configured JDK 21+ (skipping the calling test, and saying
   * so, when none is configured), asserts it finished within 3 minutes with exit code 0 and returns
   * its output.
   */
  static String runOnModernJava(String test, String why, Class<?> main, List<String> jvmArgs, String... args)
      throws IOException, InterruptedException {
    Path java = modernJava();
    if (java == null) {
      System.out.println("[agentguard-core] SKIPPED " + test + ": no JDK 21+ configured;"
          + " set AGENTGUARD_VT_JAVA to its bin/java" + why);
    }
    assumeTrue(java != null, "no JDK 21+ configured (set AGENTGUARD_VT_JAVA to its bin/java)");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    command.addAll(jvmArgs);
    command.add(main.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done, "the stress run did not finish: " + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void tenThousandTasksOnVirtualThreadsNeverCrossTalk() throws IOException, InterruptedException {
    String out = runOnModernJava("VirtualThreadTasksTest", " (docs/security-cases.md #27)", VirtualThreadStress.class,
        List.of(), "10000");
    assertTrue(out.contains("virtual-thread tasks ok: 10000/10000"), out);
  }
}
