package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.UnreadableLine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --skip-damaged} option of the audit commands that read a trail ({@code show},
 * {@code replay}, {@code shadow}, {@code unused}). Without it a damaged line (malformed JSON,
 * invalid UTF-8, JSON that is no record, an over-long line) stops the command with the file and
 * line. With it the command reads past damaged lines, names each on standard error by file, line
 * and reason (never its content, which may be anything), says how many it skipped, and exits 1
 * even when its own result would exit 0: what it printed covers only the lines it could read, and
 * such a trail never verifies. Not thread-safe (one per command run).
 *
 * @since 0.2.0
 */
final class DamagedLines {
  @Option(names = "--skip-damaged",
      description = "Read past damaged lines: each is named on stderr (file, line, reason; never its content); "
          + "exit 1 when any was skipped.")
  boolean skip;

  private int skipped;

  /** The events of {@code files}: strictly, or past damaged lines with {@code --skip-damaged}. */
  List<AuditEvent> read(List<Path> files, PrintWriter err) {
    if (!skip) {
      return Trail.read(files);
    }
    Trail.Read read = Trail.readPastDamage(files);
    report(read.damaged(), err);
    return read.events();
  }

  /** Names each damaged line on {@code err}, then how many were skipped. */
  void report(List<UnreadableLine> damaged, PrintWriter err) {
    for (UnreadableLine d : damaged) {
      err.println("agentguard: skipped damaged line " + where(d) + ": " + Terminal.safe(d.reason()));
    }
    skipped = damaged.size();
    if (skipped > 0) {
      err.println("agentguard: " + skipped + " damaged line(s) skipped: the output covers only the lines that could"
          + " be read, and this trail does not verify (run 'agentguard audit verify')");
    }
  }

  /** {@code code}, or {@link Main#BAD} when lines were skipped. */
  int exitCode(int code) {
    return skipped > 0 && code == Main.OK ? Main.BAD : code;
  }

  /** {@code file:line} of a damaged line, terminal-safe. */
  static String where(UnreadableLine d) {
    return Terminal.safe(d.file().map(Path::toString).orElse("(input)")) + ":" + d.line();
  }
}
