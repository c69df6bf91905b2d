package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/security-cases.md #45: with no SLF4J provider on the class path, the SLF4J sink discards
 * every event; a guard whose only sink would do that is refused at build time, with the fix named.
 * Runs a child JVM whose class path is this one without slf4j-simple.
 */
class NoOpLoggerTest {
  static String run(String mode) throws Exception {
    String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("slf4j-simple"))
        .collect(Collectors.joining(File.pathSeparator));
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(javaBin, "-cp", cp, NoOpLoggerChild.class.getName(), mode)
        .redirectErrorStream(true).start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child finished");
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), out);
    return out;
  }

  @Test
  void aGuardWhoseOnlySinkIsTheNoOpLoggerIsRefused() throws Exception {
    for (String mode : new String[] {"default", "explicit"}) {
      String out = run(mode);
      assertTrue(out.contains("REFUSED"), mode + ": " + out);
      assertTrue(out.contains("auditSink(") && out.contains("SLF4J provider"), mode + ": " + out);
    }
  }

  @Test
  void anotherRecordingSinkBesideTheNoOpLoggerIsEnough() throws Exception {
    String out = run("withInMemory");
    assertTrue(out.contains("BUILT"), out);
  }
}
