package dev.agentguard;

/**
 * A fixed-size, direct-mapped memo of strings that already passed a validation, so a name an
 * application uses on every call (an attribute path, a tool name) is checked once, not per call.
 *
 * <p>Bounded by construction: each string hashes to one slot, a new valid string overwrites the
 * slot's previous one, and nothing else is ever allocated, so a caller sending unbounded distinct
 * names (a model choosing argument keys) costs at most a re-validation, never memory. Only strings
 * the caller has just validated are {@link #remember remembered}; a hit returns only for a string
 * equal to one that passed. Longer strings than {@code maxLength} are never kept.
 *
 * <p>Thread-safe and lock-free: slots are plain array elements holding immutable {@link String}s
 * (safe to read through a data race, as their fields are final); a reader that sees a stale slot
 * merely validates again, and a race between two writers leaves one of two valid strings. Plain
 * reads keep the lookup small enough for the JIT to inline into the request builder.
 */
final class ValidNames {
  private final String[] slots;
  private final int mask;
  private final int maxLength;

  /**
   * @param size number of slots, a power of two
   * @param maxLength longest string kept
   */
  ValidNames(int size, int maxLength) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two: " + size);
    }
    this.slots = new String[size];
    this.mask = size - 1;
    this.maxLength = maxLength;
  }

  /** Whether {@code s} (not null) equals a string that was remembered and is still in its slot. */
  boolean contains(String s) {
    return canonical(s) != null;
  }

  /**
   * Whether the very instance {@code s} (not null) is remembered and still in its slot: one
   * comparison of references, small enough to compile into every caller (see {@link #canonical}
   * for an equal string of another instance).
   */
  boolean holds(String s) {
    return slots[index(s)] == s;
  }

  /**
   * The remembered instance equal to {@code s} (not null), or null when there is none: callers
   * keep that instance, so later comparisons of the same name succeed on identity.
   */
  String canonical(String s) {
    String c = slots[index(s)];
    return c == s || (c != null && c.equals(s)) ? c : null;
  }

  /** Remembers {@code s}, which the caller has just validated. */
  void remember(String s) {
    if (s.length() <= maxLength) {
      slots[index(s)] = s;
    }
  }

  private int index(String s) {
    int h = s.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }
}
