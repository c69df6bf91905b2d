package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.core.AuditLog;
import dev.agentguard.core.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/security-cases.md #31 and #45: a process killed mid-write leaves at most a torn last line,
 * and the trail does not claim a clean end.
 */
class AuditCrashTest {
  @TempDir
  Path dir;

  @Test
  void killedWriterLeavesAtMostATornLastLineAndEverythingBeforeVerifies() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        AuditCrashChild.class.getName(), file.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(file) || Files.size(file) < 250_000) {
        assertTrue(child.isAlive(), "child died early with exit code " + (child.isAlive() ? 0 : child.exitValue()));
        assertTrue(System.nanoTime() < deadline, "child wrote too little within 30 s");
        Thread.onSpinWait();
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    } finally {
      child.destroyForcibly();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok() || r.kind() == VerificationReport.Kind.TORN_LAST_LINE, r.toString());
    assertTrue(r.eventsChecked() >= 300, r.toString());
    assertFalse(r.endedCleanly(), "a killed process wrote no close record: " + r);
    if (!r.ok()) {
      assertTrue(r.firstBadSeq().getAsLong() == r.eventsChecked() + 1, r.toString());
    }
  }
}
