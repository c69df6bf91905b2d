package dev.agentguard.core.internal.audit;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a file line by line ({@code \n} separated), bounding each line to
 * {@link RecordBounds#MAX_LINE_BYTES} (the bound the writer keeps). Not thread-safe.
 *
 * @since 0.1.0
 */
public final class LineReader implements Lines, Closeable {
  private final InputStream in;
  private final ByteBuf line = new ByteBuf(4096);
  private boolean newline;
  private boolean tooLong;
  private long number;

  /**
   * Opens {@code file}.
   *
   * @throws IOException if it cannot be opened
   */
  public LineReader(Path file) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
  }

  /**
   * Reads the next line.
   *
   * @return {@code false} at the end of the file
   * @throws IOException on read errors
   */
  @Override
  public boolean next() throws IOException {
    line.reset();
    newline = false;
    tooLong = false;
    boolean any = false;
    int b;
    while ((b = in.read()) >= 0) {
      any = true;
      if (b == '\n') {
        newline = true;
        break;
      }
      if (line.length() < RecordBounds.MAX_LINE_BYTES) {
        line.put(b);
      } else {
        tooLong = true;
      }
    }
    if (any) {
      number++;
    }
    return any;
  }

  /** The current line's bytes (without the newline); valid until the next call. */
  @Override
  public byte[] bytes() {
    return line.array();
  }

  /** The current line's length. */
  @Override
  public int length() {
    return line.length();
  }

  /** Whether the current line ended with a newline. */
  @Override
  public boolean hadNewline() {
    return newline;
  }

  /** Whether the current line exceeded the bound (its bytes are then cut off). */
  @Override
  public boolean tooLong() {
    return tooLong;
  }

  /** 1-based number of the current line. */
  @Override
  public long number() {
    return number;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
