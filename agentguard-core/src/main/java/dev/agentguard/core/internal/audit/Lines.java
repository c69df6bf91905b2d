package dev.agentguard.core.internal.audit;

import java.io.IOException;

/**
 * A sequence of audit lines read one at a time: a file ({@link LineReader}) or records taken from
 * elsewhere ({@link TextLines}). Not thread-safe.
 *
 * @since 0.2.0
 */
interface Lines {
  /**
   * Moves to the next line.
   *
   * @return {@code false} at the end
   * @throws IOException on read errors
   */
  boolean next() throws IOException;

  /** The current line's bytes (without the newline); valid until the next call. */
  byte[] bytes();

  /** The current line's length. */
  int length();

  /** Whether the current line is complete (in a file: it ended with a newline). */
  boolean hadNewline();

  /** Whether the current line exceeded {@link RecordBounds#MAX_LINE_BYTES} (its bytes are then cut off). */
  boolean tooLong();

  /** 1-based number of the current line. */
  long number();
}
