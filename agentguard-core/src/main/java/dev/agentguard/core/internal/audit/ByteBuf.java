package dev.agentguard.core.internal.audit;

import java.util.Arrays;

/**
 * A growable byte buffer reused by the audit writer so that encoding an event allocates nothing but
 * the occasional growth. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class ByteBuf {
  private byte[] bytes;
  private int length;

  /** Creates a buffer with the given initial capacity. */
  public ByteBuf(int capacity) {
    this.bytes = new byte[Math.max(16, capacity)];
  }

  /** The backing array; valid from 0 to {@link #length()}. */
  public byte[] array() {
    return bytes;
  }

  /** Number of bytes written. */
  public int length() {
    return length;
  }

  /** Forgets the content, keeping the capacity. */
  public void reset() {
    length = 0;
  }

  /** Forgets the content and drops a grown backing array, so a rare huge record does not stay held. */
  public void release() {
    length = 0;
    bytes = new byte[1024];
  }

  /** Shortens the content to {@code newLength} bytes. */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("bad length " + newLength);
    }
    length = newLength;
  }

  /** Makes room for {@code extra} more bytes. */
  public void ensure(int extra) {
    int need = length + extra;
    if (need > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
    }
  }

  /** Appends one byte. */
  public void put(int b) {
    if (length == bytes.length) {
      ensure(1);
    }
    bytes[length++] = (byte) b;
  }

  /** Appends a range of bytes. */
  public void put(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, bytes, length, len);
    length += len;
  }

  /** Appends a string that is known to be ASCII. */
  public void putAscii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
  }

  /**
   * Appends the longest prefix of {@code s} made of printable ASCII other than {@code "} and
   * {@code \\} (the characters a JSON string writes as they are) and returns its length; the caller
   * encodes the rest. The fast path of JSON string encoding: one bounds check for the whole run.
   */
  public int putPlainAscii(String s) {
    int n = s.length();
    ensure(n);
    byte[] b = bytes;
    int len = length;
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        break;
      }
      b[len++] = (byte) c;
    }
    length = len;
    return i;
  }

  /** Appends the decimal digits of {@code v}. */
  public void putLong(long v) {
    if (v == Long.MIN_VALUE) {
      putAscii("-9223372036854775808");
      return;
    }
    ensure(20);
    if (v < 0) {
      bytes[length++] = '-';
      v = -v;
    }
    if (v == 0) {
      bytes[length++] = '0';
      return;
    }
    int start = length;
    while (v > 0) {
      bytes[length++] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    for (int i = start, j = length - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }
}
