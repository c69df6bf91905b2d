package dev.agentguard;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The unmodifiable {@link Map} view of a small request's attributes, stored as keys and values side
 * by side in one array that nobody writes after construction. Lookups scan the (at most
 * {@link ToolRequest.Builder#SMALL}) keys; every mutator throws {@link UnsupportedOperationException};
 * {@code equals} and {@code hashCode} follow {@link Map}; like {@link Map#copyOf}, null keys are
 * rejected with {@link NullPointerException}.
 *
 * <p>Immutable and thread-safe.
 */
final class PairMap extends AbstractMap<String, Object> {
  private final Object[] pairs;
  private final int size;

  PairMap(Object[] pairs, int size) {
    this.pairs = pairs;
    this.size = size;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Object get(Object key) {
    int i = ToolRequest.indexOf(pairs, size, Objects.requireNonNull(key, "key"));
    return i < 0 ? null : pairs[i + 1];
  }

  @Override
  public boolean containsKey(Object key) {
    return ToolRequest.indexOf(pairs, size, Objects.requireNonNull(key, "key")) >= 0;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new Entries();
  }

  private final class Entries extends AbstractSet<Map.Entry<String, Object>> {
    @Override
    public int size() {
      return size;
    }

    @Override
    public Iterator<Map.Entry<String, Object>> iterator() {
      return new Iterator<>() {
        private int i;

        @Override
        public boolean hasNext() {
          return i < size;
        }

        @Override
        public Map.Entry<String, Object> next() {
          if (i >= size) {
            throw new NoSuchElementException();
          }
          Map.Entry<String, Object> e = new AbstractMap.SimpleImmutableEntry<>((String) pairs[2 * i], pairs[2 * i + 1]);
          i++;
          return e;
        }
      };
    }
  }
}
