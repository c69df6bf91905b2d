package dev.agentguard;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The unmodifiable {@link Map} view of a small request's attributes, stored as an array of keys
 * (shared by the requests of one {@link ToolRequest.Template}) and an array of values of the same
 * length, neither written after construction. Lookups scan the (at most {@link ToolRequest#SMALL})
 * keys; every mutator throws {@link UnsupportedOperationException};
 * {@code equals} and {@code hashCode} follow {@link Map}; like {@link Map#copyOf}, null keys are
 * rejected with {@link NullPointerException}.
 *
 * <p>Immutable and thread-safe.
 */
final class PairMap extends AbstractMap<String, Object> {
  private final String[] keys;
  private final Object[] values;

  PairMap(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public Object get(Object key) {
    int i = ToolRequest.indexOf(keys, Objects.requireNonNull(key, "key"));
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return ToolRequest.indexOf(keys, Objects.requireNonNull(key, "key")) >= 0;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new Entries();
  }

  private final class Entries extends AbstractSet<Map.Entry<String, Object>> {
    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public Iterator<Map.Entry<String, Object>> iterator() {
      return new Iterator<>() {
        private int i;

        @Override
        public boolean hasNext() {
          return i < keys.length;
        }

        @Override
        public Map.Entry<String, Object> next() {
          if (i >= keys.length) {
            throw new NoSuchElementException();
          }
          Map.Entry<String, Object> e = new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
          i++;
          return e;
        }
      };
    }
  }
}
