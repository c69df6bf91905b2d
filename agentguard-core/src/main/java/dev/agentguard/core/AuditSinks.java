package dev.agentguard.core;

import dev.agentguard.AuditSink;
import dev.agentguard.core.internal.audit.InMemorySink;
import dev.agentguard.core.internal.audit.JsonLinesSink;
import dev.agentguard.core.internal.audit.Slf4jSink;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The built-in audit sinks. See {@code docs/audit.md} for the record format. The factories are
 * thread-safe; each returned sink is meant for one pipeline.
 *
 * @since 0.1.0
 */
public final class AuditSinks {
  private AuditSinks() {}

  /**
   * One JSON object per line in {@code file}, UTF-8, with the defaults of {@link JsonLinesOptions}
   * ({@link JsonLinesOptions.Fsync#EVERY_BATCH}, no rotation). An existing file is appended to and
   * its chain continued.
   *
   * @throws java.io.UncheckedIOException if the file cannot be opened or read
   * @throws IllegalStateException if the existing file's last line is corrupt (not merely torn)
   */
  public static AuditSink jsonLines(Path file) {
    return jsonLines(file, JsonLinesOptions.defaults());
  }

  /**
   * One JSON object per line in {@code file}, UTF-8, with the given options. No raw control
   * character, U+0085, U+2028 or U+2029 ever appears inside a line. An existing file is appended
   * to: its last line's seq and hash become the head the pipeline continues from. When the last line
   * is torn (a crash mid-write), the file is moved aside as the next rotated file (logged as a
   * warning) and a new file continues from the last complete line. The returned sink is used by one
   * pipeline's writer thread and is not thread-safe.
   *
   * @throws java.io.UncheckedIOException if the file cannot be opened or read
   * @throws IllegalStateException if the existing file's last line is corrupt (not merely torn)
   */
  public static AuditSink jsonLines(Path file, JsonLinesOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    return new JsonLinesSink(file, options);
  }

  /**
   * Logs each event at INFO through SLF4J on the logger {@code agentguard.audit}, one key-value
   * pair per non-empty field (attributes as {@code attributes.<path>}), the message being the event
   * type. Writes after close throw {@link IllegalStateException}. With no SLF4J provider on the class
   * path SLF4J discards everything; a guard (or pipeline) whose only sinks are such SLF4J sinks is
   * refused at start with an {@link dev.agentguard.AgentGuardException} that names the fix.
   */
  public static AuditSink slf4j() {
    return new Slf4jSink();
  }

  /** A thread-safe sink that keeps events in memory. */
  public static InMemoryAuditSink inMemory() {
    return new InMemorySink();
  }
}
