package dev.agentguard;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A fixed-size, direct-mapped memo of the key arrays of small {@link ToolRequest}s, so requests
 * built with the same attribute paths in the same order share one array of keys (as the requests
 * of one {@link ToolRequest.Template} do) instead of each copying its own.
 *
 * <p>Only arrays of distinct keys of which none is {@code destination.url} are remembered (the
 * builder checks this before {@link #remember}), so a hit also means the builder's slots need no
 * such check. A hit requires the same key instances, in order: the builder holds the
 * {@link ValidNames} instance of each path, so one path is one instance while its memo slot keeps
 * it; anything else is a miss, which costs one new array, never a wrong key. Bounded by
 * construction: a new key set overwrites its slot, keys longer than {@link #MAX_KEY_CHARS} are
 * never kept.
 *
 * <p>Thread-safe: slots are written with release and read with acquire semantics, so a reader that
 * finds an array sees its elements; arrays are never written after they are published.
 */
final class KeySets {
  /** Longest key kept (as for the path memo). */
  static final int MAX_KEY_CHARS = 256;
  private static final AtomicReferenceArray<String[]> SLOTS = new AtomicReferenceArray<>(256);

  private KeySets() {}

  /** The remembered array of exactly the keys {@code k0 ..} (the first {@code n}, 1-4, not null), or null. */
  static String[] known(int n, String k0, String k1, String k2, String k3) {
    String[] a = SLOTS.getAcquire(slot(n, k0, k1, k2, k3));
    if (a != null && a.length == n && a[0] == k0 && (n < 2 || a[1] == k1) && (n < 3 || a[2] == k2)
        && (n < 4 || a[3] == k3)) {
      return a;
    }
    return null;
  }

  /** A new array of the first {@code n} keys, remembered unless a key is too long to keep. */
  static String[] remember(int n, String k0, String k1, String k2, String k3) {
    String[] a = new String[n];
    a[0] = k0;
    if (n > 1) {
      a[1] = k1;
    }
    if (n > 2) {
      a[2] = k2;
    }
    if (n > 3) {
      a[3] = k3;
    }
    for (String k : a) {
      if (k.length() > MAX_KEY_CHARS) {
        return a;
      }
    }
    SLOTS.setRelease(slot(n, k0, k1, k2, k3), a);
    return a;
  }

  private static int slot(int n, String k0, String k1, String k2, String k3) {
    int h = k0.hashCode();
    if (n > 1) {
      h = h * 31 + k1.hashCode();
    }
    if (n > 2) {
      h = h * 31 + k2.hashCode();
    }
    if (n > 3) {
      h = h * 31 + k3.hashCode();
    }
    return (h ^ (h >>> 16)) & (SLOTS.length() - 1);
  }
}
