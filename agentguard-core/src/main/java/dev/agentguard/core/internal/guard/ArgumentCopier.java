package dev.agentguard.core.internal.guard;

import java.lang.reflect.Array;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies one bound or redacted tool argument, once per call, into a value nobody else holds, so the
 * decision, the audit record and the tool body all see the same snapshot: an argument changed by the
 * caller (or another thread) after the decision never reaches the tool.
 *
 * <p>What is copied how, decided at {@code protect} time from the parameter's declared type:
 * immutable JDK values (strings, boxed primitives, {@code URI}, {@code URL}, enums) are kept;
 * {@link BigInteger}/{@link BigDecimal} subclasses become plain instances; other {@link CharSequence}s
 * become strings; arrays are cloned (elements copied); {@link Collection}, {@link List} and
 * {@link Set} parameters receive a new {@code ArrayList}/{@code LinkedHashSet} (elements copied,
 * order kept) that only the tool holds, so what it does with it reaches neither the caller nor the
 * record. Any other declared
 * type (a concrete collection class, a mutable element type, {@code Object}) is refused at
 * {@code protect} time, because the tool could not be handed a copy of what was decided.
 *
 * <p>Immutable and thread-safe.
 */
final class ArgumentCopier {
  /** Values of these types cannot change once made (final JDK classes); kept as they are. */
  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class, Byte.class,
      Short.class, Integer.class, Long.class, Float.class, Double.class, URI.class, URL.class);
  /** Declared element/leaf types whose values can be copied into a value of the same declared type. */
  private static final Set<Class<?>> LEAF_TYPES = Set.of(String.class, CharSequence.class, Boolean.class,
      Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
      BigInteger.class, BigDecimal.class, Number.class, URI.class, URL.class);
  private static final int MAX_DEPTH = 8;

  /** An argument that holds something that cannot be copied; the message names types, never values. */
  static final class Uncopyable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Uncopyable(String message) {
      super(message, null, false, false);
    }
  }

  private static final ArgumentCopier KEEP = new ArgumentCopier(null, null);

  /** Array component type to copy into, or null when not an array parameter. */
  private final Class<?> arrayComponent;
  /** Collection kind of the parameter (List or Set), or null. */
  private final Class<?> collectionKind;

  private ArgumentCopier(Class<?> arrayComponent, Class<?> collectionKind) {
    this.arrayComponent = arrayComponent;
    this.collectionKind = collectionKind;
  }

  /**
   * The copier for a parameter of {@code type}, declared with the generic types {@code generics}
   * (one per declaration: the interface's carries the element types a lambda's method has erased).
   *
   * @throws IllegalArgumentException naming {@code where}, the type and the fix, when values of that
   *     type cannot be copied into the declared type
   */
  static ArgumentCopier forParameter(Class<?> type, List<Type> generics, String where) {
    if (type.isPrimitive() || IMMUTABLE.contains(type) || type.isEnum()) {
      return KEEP;
    }
    if (LEAF_TYPES.contains(type)) {
      return new ArgumentCopier(null, null);
    }
    if (type.isArray()) {
      Class<?> component = type.getComponentType();
      if (!component.isPrimitive() && !component.isEnum() && !LEAF_TYPES.contains(component)) {
        throw refused(where, type, "arrays of strings, numbers, booleans, enums, URI or URL");
      }
      return new ArgumentCopier(component, null);
    }
    if (type == Collection.class || type == List.class || type == Set.class) {
      for (Type generic : generics) {
        checkElements(generic, where, 0);
      }
      return new ArgumentCopier(null, type == Set.class ? Set.class : List.class);
    }
    if (Collection.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(where + " has type " + type.getName() + ", which the guard cannot hand"
          + " the tool as an unchangeable copy of what it decided; declare the parameter as List, Set or Collection");
    }
    throw refused(where, type, "strings, numbers, booleans, enums, URI/URL, arrays of them or List/Set/Collection"
        + " of them");
  }

  private static void checkElements(Type generic, String where, int depth) {
    if (!(generic instanceof ParameterizedType p)) {
      return; // raw: elements are copied by their runtime types
    }
    Type element = p.getActualTypeArguments()[0];
    if (element instanceof Class<?> c) {
      if (!LEAF_TYPES.contains(c) && !c.isEnum() && c != Collection.class && c != List.class && c != Set.class) {
        throw refused(where, c, "collections of strings, numbers, booleans, enums, URI/URL or of such collections");
      }
    } else if (element instanceof ParameterizedType nested && depth < MAX_DEPTH) {
      Type raw = nested.getRawType();
      if (raw != Collection.class && raw != List.class && raw != Set.class) {
        throw refused(where, (Class<?>) raw, "collections of strings, numbers, booleans, enums, URI/URL or of"
            + " List/Set/Collection of them");
      }
      checkElements(nested, where, depth + 1);
    }
    // wildcards and type variables: elements are copied by their runtime types
  }

  private static IllegalArgumentException refused(String where, Class<?> type, String supported) {
    return new IllegalArgumentException(where + " has type " + type.getName() + ", which the guard cannot copy"
        + " for the decision and the tool; use " + supported);
  }

  /**
   * The copy of one live argument. {@code null} stays {@code null}.
   *
   * @throws Uncopyable (a value-free message) when an element has a type that cannot be copied;
   *     anything the argument's own methods throw while being read propagates
   */
  Object copy(Object live) {
    if (live == null || this == KEEP) {
      return live;
    }
    if (arrayComponent != null) {
      return copyArray(live, arrayComponent, 0);
    }
    if (collectionKind != null) {
      return copyCollection((Collection<?>) live, collectionKind == Set.class, 0);
    }
    return copyValue(live, 0);
  }

  private static Object copyValue(Object v, int depth) {
    if (v == null || v.getClass() == String.class) { // the common argument, before the set lookup
      return v;
    }
    if (IMMUTABLE.contains(v.getClass()) || v instanceof Enum<?>) {
      return v;
    }
    if (v instanceof BigInteger b) {
      return b.getClass() == BigInteger.class ? b : new BigInteger(b.toByteArray());
    }
    if (v instanceof BigDecimal d) {
      return d.getClass() == BigDecimal.class ? d
          : new BigDecimal(new BigInteger(d.unscaledValue().toByteArray()), d.scale());
    }
    if (v instanceof CharSequence s) {
      String text = s.toString();
      if (text == null) {
        throw new Uncopyable("a " + v.getClass().getName() + " argument returned no text");
      }
      return text;
    }
    if (depth >= MAX_DEPTH) {
      throw new Uncopyable("an argument nests collections or arrays more than " + MAX_DEPTH + " deep");
    }
    if (v instanceof Collection<?> c) {
      return copyCollection(c, v instanceof Set<?>, depth + 1);
    }
    if (v.getClass().isArray()) {
      Class<?> component = v.getClass().getComponentType();
      if (!component.isPrimitive() && !component.isEnum() && !LEAF_TYPES.contains(component)) {
        throw new Uncopyable("an argument holds an array of " + component.getName()
            + ", which cannot be copied; use arrays of strings, numbers, booleans, enums, URI or URL");
      }
      return copyArray(v, component, depth + 1);
    }
    throw new Uncopyable("an argument holds a " + v.getClass().getName()
        + ", which cannot be copied; use strings, numbers, booleans, enums, URI/URL or collections of them");
  }

  private static Object copyArray(Object live, Class<?> component, int depth) {
    if (component.isPrimitive()) {
      int n = Array.getLength(live);
      Object out = Array.newInstance(component, n);
      System.arraycopy(live, 0, out, 0, n);
      return out;
    }
    Object[] source = ((Object[]) live).clone();
    Object[] out = (Object[]) Array.newInstance(component, source.length);
    for (int i = 0; i < source.length; i++) {
      out[i] = copyValue(source[i], depth);
    }
    return out;
  }

  private static Object copyCollection(Collection<?> live, boolean set, int depth) {
    // one pass over the caller's collection: what it yields now is the snapshot
    List<Object> out = new ArrayList<>();
    for (Object o : live) {
      out.add(copyValue(o, depth));
    }
    return set ? new LinkedHashSet<>(out) : out;
  }
}
