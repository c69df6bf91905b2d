package dev.agentguard.core.internal.audit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The writer's memory of members it encoded: for each member that repeats from record to record
 * (a task's agent, task and credential ids, a tool, its action and risk, a decision's policies and
 * version, the millisecond's timestamp) the last value and its encoded bytes ({@code ,"name":"value"}),
 * so a record whose member has the same value copies the bytes instead of escaping the string again.
 *
 * <p>A cached encoding is used only for a value equal to the one it was made from ({@link String#equals},
 * after the identity check): the encoding is a function of the characters alone, so equal values
 * encode to equal bytes, and a value differing in any character (an invisible one included) is
 * encoded afresh. Values over {@value #MAX_CACHED_CHARS} characters are never cached (their encoding
 * is written as usual), so the cache holds at most a few kilobytes and an equality check stays short.
 * The previous hash of the chain is written from the bytes the sealer already holds.
 *
 * <p>Not thread-safe: one {@link ChainSealer} owns one instance.
 *
 * @since 0.2.0
 */
final class EncodedMembers {
  /** Longest value whose encoding is kept, in UTF-16 characters. */
  static final int MAX_CACHED_CHARS = 256;

  static final int TS = 0;
  static final int TYPE = 1;
  static final int AGENT = 2;
  static final int ON_BEHALF_OF = 3;
  static final int TASK = 4;
  static final int CREDENTIAL = 5;
  static final int TOOL = 6;
  static final int ACTION = 7;
  static final int RISK = 8;
  static final int DECISION = 9;
  static final int CODE = 10;
  static final int POLICY_VERSION = 11;
  static final int OUTCOME = 12;
  static final int ERROR = 13;
  private static final int STRINGS = 14;
  static final int REASONS = 0;
  static final int POLICIES = 1;
  private static final int LISTS = 2;

  private final String[] values = new String[STRINGS];
  private final byte[][] encoded = new byte[STRINGS][];
  private final List<?>[] lists = new List<?>[LISTS];
  private final byte[][] encodedLists = new byte[LISTS][];
  private String attrKey;
  private String attrValue;
  private byte[] encodedAttr;
  private String prev;
  private byte[] prevBytes;

  /** Tells which bytes {@code prev} is (the ASCII of {@code "sha256:<hex>"}) for the next record. */
  void prev(String prev, byte[] prevBytes) {
    this.prev = prev;
    this.prevBytes = prevBytes;
  }

  /**
   * Writes {@code ,"prev":"<prev>"} from the bytes given to {@link #prev(String, byte[])} when
   * {@code value} is that string; false (nothing written) otherwise.
   */
  boolean putPrev(ByteBuf out, byte[] name, String value) {
    if (value != prev || prevBytes == null) {
      return false;
    }
    out.ensure(name.length + prevBytes.length + 2);
    out.put(name, 0, name.length);
    out.put('"');
    out.put(prevBytes, 0, prevBytes.length);
    out.put('"');
    return true;
  }

  /** Writes member {@code name} with the non-null string {@code value}, from the cache when it holds it. */
  void putString(ByteBuf out, int slot, byte[] name, String value) {
    String cached = values[slot];
    if (value == cached || (cached != null && value.equals(cached))) {
      byte[] b = encoded[slot];
      out.put(b, 0, b.length);
      return;
    }
    int start = out.length();
    out.put(name, 0, name.length);
    AuditJson.putString(out, value);
    if (value.length() <= MAX_CACHED_CHARS) {
      values[slot] = value;
      encoded[slot] = Arrays.copyOfRange(out.array(), start, out.length());
    }
  }

  /**
   * Writes member {@code name} with the non-empty list {@code value} as {@code AuditJson} would,
   * from the cache when it holds an equal list.
   */
  void putStrings(ByteBuf out, int slot, byte[] name, List<String> value) {
    List<?> cached = lists[slot];
    if (value == cached || (cached != null && value.equals(cached))) {
      byte[] b = encodedLists[slot];
      out.put(b, 0, b.length);
      return;
    }
    int start = out.length();
    AuditJson.strings(out, name, value);
    if (shortStrings(value)) {
      lists[slot] = value;
      encodedLists[slot] = Arrays.copyOfRange(out.array(), start, out.length());
    }
  }

  /**
   * Writes {@code ,"attributes":<object>} for a non-empty attribute map, from the cache when it is
   * one string attribute equal in key and value to the one cached.
   */
  void putAttributes(ByteBuf out, byte[] name, Map<String, Object> attrs) {
    if (attrs.size() != 1) {
      out.put(name, 0, name.length);
      AuditJson.writeAttributes(attrs, out);
      return;
    }
    Map.Entry<String, Object> only = attrs.entrySet().iterator().next();
    String key = only.getKey();
    Object v = only.getValue();
    if (v instanceof String && attrValue != null && key.equals(attrKey) && v.equals(attrValue)) {
      out.put(encodedAttr, 0, encodedAttr.length);
      return;
    }
    int start = out.length();
    out.put(name, 0, name.length);
    AuditJson.writeAttributes(attrs, out);
    if (v instanceof String && key.length() <= MAX_CACHED_CHARS && ((String) v).length() <= MAX_CACHED_CHARS) {
      attrKey = key;
      attrValue = (String) v;
      encodedAttr = Arrays.copyOfRange(out.array(), start, out.length());
    }
  }

  private static boolean shortStrings(List<String> value) {
    if (value.size() > 4) {
      return false;
    }
    for (int i = 0; i < value.size(); i++) {
      String s = value.get(i);
      if (s == null || s.length() > MAX_CACHED_CHARS) {
        return false;
      }
    }
    return true;
  }
}
