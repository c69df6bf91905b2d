package dev.agentguard.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A line of an audit trail that {@link AuditLog#read(java.util.function.Consumer, Path...)} could not
 * read as a record: where it is and why, never its content (a damaged line may hold anything,
 * including what a hand edit pasted into it).
 *
 * <p>Immutable and thread-safe. {@link #toString()} is {@code "<file> line <n>: <reason>"} for a
 * file and {@code "record <n>: <reason>"} for an element of a sequence of lines, the wording the
 * strict {@code read} puts in its exception.
 *
 * @since 0.2.0
 */
public final class UnreadableLine {
  private final Path file;
  private final long line;
  private final String reason;

  UnreadableLine(Path file, long line, String reason) {
    this.file = file;
    this.line = line;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The file the line is in; empty for an element of a sequence of lines. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line number in the file, or the 1-based element number in a sequence. */
  public long line() {
    return line;
  }

  /**
   * Why the line is no record, e.g. {@code "not valid JSON (JsonParseException)"},
   * {@code "unknown member 'foo'"}, {@code "longer than 1048576 bytes"}: member names (truncated) at
   * most, never a value.
   */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return (file == null ? "record " : file + " line ") + line + ": " + reason;
  }
}
