package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.UnreadableLine;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit files the audit commands read: each argument expanded to its rotated files in chain
 * order ({@link AuditLog#files(Path)}), then read with {@link AuditLog#read(Path...)}, or past
 * damaged lines ({@link #readPastDamage}). Stateless.
 *
 * @since 0.2.0
 */
final class Trail {
  private Trail() {}

  /**
   * Each argument's rotated files ({@code <name>.1}, {@code <name>.2}, ...) then the file itself, in
   * argument order, without repeats.
   *
   * @throws CliException (usage) when a file does not exist
   */
  static List<Path> files(List<Path> args) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path arg : args) {
      PolicyFiles.requireFile(arg, "audit file");
      try {
        out.addAll(AuditLog.files(arg));
      } catch (UncheckedIOException e) {
        throw CliException.usage("cannot list the rotated files of " + arg + ": " + e.getCause().getMessage());
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The events of {@code files}, in file order. Hashes are not checked here (that is
   * {@code audit verify}); a torn last line is skipped as the library does.
   *
   * @throws CliException (bad) naming the file and line of a malformed record
   */
  static List<AuditEvent> read(List<Path> files) {
    try {
      return AuditLog.read(files.toArray(Path[]::new));
    } catch (IllegalArgumentException e) {
      throw CliException.bad("cannot read the trail: " + e.getMessage() + " (run 'agentguard audit verify' for "
          + "details, or pass --skip-damaged to read past damaged lines)");
    } catch (UncheckedIOException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /** What a read past damaged lines found: the readable events in file order and the damaged lines. */
  record Read(List<AuditEvent> events, List<UnreadableLine> damaged) {}

  /**
   * The events of {@code files} in file order, reading past damaged lines ({@link AuditLog#read(
   * java.util.function.Consumer, Path...)}); each damaged line is kept by file, line and reason.
   *
   * @throws CliException (usage) when a file cannot be read at all
   */
  static Read readPastDamage(List<Path> files) {
    List<UnreadableLine> damaged = new ArrayList<>();
    try {
      List<AuditEvent> events = AuditLog.read(damaged::add, files.toArray(Path[]::new));
      return new Read(events, List.copyOf(damaged));
    } catch (UncheckedIOException e) {
      throw CliException.usage(e.getMessage());
    }
  }
}
