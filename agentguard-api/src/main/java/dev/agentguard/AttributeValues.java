package dev.agentguard;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Normalises attribute values into the small set of immutable types the policy engine reads:
 * {@link String}, {@link Boolean}, {@link Long}, {@link Double}, {@link Risk}, {@link Sensitivity}
 * and unmodifiable {@link List}s of these. Primitive arrays become lists (integral elements as
 * longs, {@code float}/{@code double} as doubles, booleans as booleans); a {@code char[]} becomes a
 * string. Error messages name the attribute path and the offending type, never the value.
 */
final class AttributeValues {
  static final int MAX_LIST_DEPTH = 4;
  static final int MAX_LIST_SIZE = 1024;

  private AttributeValues() {}

  static Object freeze(String path, Object value) {
    return freeze(path, value, 0);
  }

  private static Object freeze(String path, Object value, int depth) {
    if (value == null) {
      throw new IllegalArgumentException("attribute '" + path + "' is null");
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof Double || value instanceof Risk || value instanceof Sensitivity) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof BigInteger) {
      try {
        return ((BigInteger) value).longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("attribute '" + path + "' is out of the long range");
      }
    }
    if (value instanceof BigDecimal) {
      BigDecimal d = (BigDecimal) value;
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        double dv = d.doubleValue();
        if (Double.isInfinite(dv)) {
          throw new IllegalArgumentException("attribute '" + path + "' is out of the double range");
        }
        return dv;
      }
    }
    if (value instanceof CharSequence || value instanceof Character || value instanceof URI
        || value instanceof URL) {
      return value.toString();
    }
    if (value instanceof Enum<?>) {
      return ((Enum<?>) value).name();
    }
    if (value instanceof char[]) {
      return new String((char[]) value);
    }
    if (value.getClass().isArray() && value.getClass().getComponentType().isPrimitive()) {
      return primitiveList(path, value);
    }
    if (value instanceof Collection<?> || value instanceof Object[]) {
      if (depth >= MAX_LIST_DEPTH) {
        throw new IllegalArgumentException("attribute '" + path + "' nests lists too deeply");
      }
      Collection<?> c = value instanceof Collection<?>
          ? (Collection<?>) value : java.util.Arrays.asList((Object[]) value);
      if (c.size() > MAX_LIST_SIZE) {
        throw new IllegalArgumentException("attribute '" + path + "' has more than " + MAX_LIST_SIZE + " elements");
      }
      List<Object> out = new ArrayList<>(c.size());
      for (Object o : c) {
        out.add(freeze(path, o, depth + 1));
      }
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException("attribute '" + path + "' has unsupported type "
        + value.getClass().getName() + "; use a string, boolean, number, enum, URI or a list of these");
  }

  /** A primitive array as a list: integral types as longs, float/double as doubles, booleans as booleans. */
  private static List<Object> primitiveList(String path, Object array) {
    int n = java.lang.reflect.Array.getLength(array);
    if (n > MAX_LIST_SIZE) {
      throw new IllegalArgumentException("attribute '" + path + "' has more than " + MAX_LIST_SIZE + " elements");
    }
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object element = java.lang.reflect.Array.get(array, i);
      out.add(element instanceof Float f ? (Object) f.doubleValue()
          : element instanceof Number num && !(element instanceof Double) ? (Object) num.longValue() : element);
    }
    return Collections.unmodifiableList(out);
  }

  static boolean isIdentifier(String s) {
    if (s.isEmpty() || s.length() > 64) {
      return false;
    }
    char first = s.charAt(0);
    if (!(Character.isLetter(first) && first < 128) && first != '_') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
