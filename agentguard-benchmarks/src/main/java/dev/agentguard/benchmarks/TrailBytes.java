package dev.agentguard.benchmarks;

import dev.agentguard.core.AuditLog;
import dev.agentguard.core.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

/**
 * The trail's bytes per call (not JMH; load-independent): makes {@code calls} allowed LOW-risk calls
 * through the standard guard scenario ({@link GuardFixture}, JSON Lines, default options), closes the
 * guard, verifies the file with {@link AuditLog#verify} and prints the file's size divided by the
 * calls (everything included: the opening, task and close records and the checkpoints), and one
 * line of each type a call writes.
 *
 * <p>Run: {@code java -cp agentguard-benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.TrailBytes [calls]}
 *
 * @since 0.2.0
 */
public final class TrailBytes {
  private TrailBytes() {}

  /**
   * Runs the measurement.
   *
   * @param args optionally the number of calls (default 100,000)
   * @throws IllegalStateException if the file does not verify
   */
  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    GuardFixture f = new GuardFixture("jsonl");
    try {
      for (int i = 0; i < calls; i++) {
        if (!"ticket".equals(f.guarded.read("T-1"))) {
          throw new IllegalStateException("the tool did not run");
        }
      }
      f.close();
      VerificationReport report = AuditLog.verify(f.auditFile);
      if (!report.ok()) {
        throw new IllegalStateException("audit file does not verify: " + report.problem());
      }
      long bytes = Files.size(f.auditFile);
      System.out.printf("calls: %d, events: %d, file bytes: %d, bytes per call: %.1f%n", calls,
          report.eventsChecked(), bytes, (double) bytes / calls);
      try (Stream<String> lines = Files.lines(f.auditFile, StandardCharsets.UTF_8)) {
        List<String> sample = lines.filter(l -> l.contains("\"tool\":\"tickets.read\"") || l.contains("tool.completed"))
            .limit(4).toList();
        for (String l : sample) {
          System.out.println(l.getBytes(StandardCharsets.UTF_8).length + 1 + " B: " + l);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      f.deleteFiles();
    }
  }
}
