package dev.agentguard.examples;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.VerificationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The audit trail of one task, reconstructed from a JSON Lines audit file and verified, as the
 * framework demos print it.
 *
 * @param decisions the task's tool decisions, as {@code "tool DECISION [CODE]"}
 * @param verified whether {@code AuditLog.verify} accepted the whole file
 */
public record TaskTrail(List<String> decisions, boolean verified) {

  /** Reconstructs, prints and verifies the trail of {@code taskId} in {@code auditFile}. */
  public static TaskTrail print(PrintStream out, Path auditFile, String taskId) throws IOException {
    List<AuditEvent> trail = AuditLog.reconstruct(auditFile, taskId);
    out.println();
    out.println("Audit trail of task " + taskId + " (" + auditFile.getFileName() + ")");
    for (AuditEvent e : trail) {
      out.printf("  #%-4d %-16s %-16s %-6s %s%n", e.seq(), e.type(), e.tool() == null ? "" : e.tool(),
          e.decision() == null ? (e.outcome() == null ? "" : e.outcome())
              : e.outcome() == null ? e.decision() : e.decision() + " " + e.outcome(),
          e.code() == null ? "" : e.code() + " " + e.policies());
    }
    VerificationReport report = AuditLog.verify(auditFile);
    out.println("AuditLog.verify: " + (report.ok() ? "OK" : "FAILED: " + report.problem()) + ", "
        + report.eventsChecked() + " events checked");
    List<String> decisions = trail.stream()
        .filter(e -> "tool.decision".equals(e.type()))
        .map(e -> e.tool() + " " + e.decision() + (e.code() == null ? "" : " " + e.code()))
        .toList();
    return new TaskTrail(decisions, report.ok());
  }
}
