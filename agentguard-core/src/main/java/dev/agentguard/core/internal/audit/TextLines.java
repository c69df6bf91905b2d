package dev.agentguard.core.internal.audit;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Audit lines given one per element (records of a message stream, a database column, ...): each
 * element is one whole record, with or without its trailing {@code \n}, encoded as UTF-8; a
 * {@code null} element is an empty (unparseable) line. Every element counts as complete: a sequence
 * has no torn last line. Not thread-safe.
 *
 * @since 0.2.0
 */
final class TextLines implements Lines {
  private final Iterator<String> it;
  private final ByteBuf line = new ByteBuf(4096);
  private boolean tooLong;
  private long number;

  TextLines(Iterable<String> lines) {
    this.it = lines.iterator();
  }

  @Override
  public boolean next() {
    line.reset();
    tooLong = false;
    if (!it.hasNext()) {
      return false;
    }
    String s = it.next();
    number++;
    if (s == null) {
      return true;
    }
    int end = s.endsWith("\n") ? s.length() - 1 : s.length();
    byte[] b = s.substring(0, end).getBytes(StandardCharsets.UTF_8);
    if (b.length > RecordBounds.MAX_LINE_BYTES) {
      tooLong = true;
      line.put(b, 0, RecordBounds.MAX_LINE_BYTES);
    } else {
      line.put(b, 0, b.length);
    }
    return true;
  }

  @Override
  public byte[] bytes() {
    return line.array();
  }

  @Override
  public int length() {
    return line.length();
  }

  @Override
  public boolean hadNewline() {
    return true;
  }

  @Override
  public boolean tooLong() {
    return tooLong;
  }

  @Override
  public long number() {
    return number;
  }
}
