package dev.agentguard.core.internal.guard;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.ToolRequest;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves tool metadata from annotations, once per method, at {@code protect} time, and rejects
 * misdeclared tools with a message that names the method.
 *
 * <p>A tool method is known by all its <em>declarations</em>: the method in the protected interface
 * and every superinterface declaring the same signature, and the exact implementation method that
 * runs on the target (generic bridges and covariant returns resolved to the real method, never to
 * an overload). Every declaration carrying {@code @AgentTool} must carry the same values, and a
 * parameter's {@code @Attr} must agree wherever it appears; {@code @Redact} on any declaration
 * redacts the parameter.
 */
final class ToolMethods {
  private static final int MAX_TYPE_DEPTH = 32;
  private static final Pattern REDACTED_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private ToolMethods() {}

  /**
   * The declarations of {@code method} seen from {@code root} (the protected interface, or the
   * method's own class for {@code guardMethod}): every method of the same name and parameter types
   * declared in {@code root} and its supertypes, then the implementation on {@code implClass}.
   *
   * @throws IllegalArgumentException when the implementation cannot be told exactly
   */
  static List<Method> declarations(Class<?> root, Method method, Class<?> implClass) {
    Set<Method> found = new LinkedHashSet<>();
    if (!method.isBridge()) {
      found.add(method);
    }
    Deque<Class<?>> pending = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    pending.add(root);
    while (!pending.isEmpty()) {
      Class<?> c = pending.poll();
      if (c == Object.class || !seen.add(c)) {
        continue;
      }
      try {
        found.add(c.getDeclaredMethod(method.getName(), method.getParameterTypes()));
      } catch (NoSuchMethodException absent) {
        // not declared here
      }
      supertypes(c, pending);
    }
    Method impl = implementation(method, implClass);
    if (impl != null) {
      found.add(impl);
    }
    found.removeIf(Method::isBridge);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(describe(method) + signature(method) + " is a compiler bridge with no"
          + " declaration behind it; pass the method it bridges to");
    }
    return List.copyOf(found);
  }

  /**
   * The one {@code @AgentTool} of a tool method's declarations.
   *
   * @return the annotation, or {@code null} when no declaration carries one
   * @throws IllegalArgumentException naming both declarations when two carry different values
   */
  static AgentTool annotation(List<Method> declarations) {
    AgentTool tool = null;
    Method from = null;
    for (Method m : declarations) {
      AgentTool a = m.getAnnotation(AgentTool.class);
      if (a == null) {
        continue;
      }
      if (tool != null && !tool.equals(a)) {
        throw new IllegalArgumentException("conflicting @AgentTool declarations of " + signature(from) + ": "
            + describe(from) + " (" + tool + ") and " + describe(m) + " (" + a + "); declare it once or"
            + " identically on every interface and implementation that declares it");
      }
      if (tool == null) {
        tool = a;
        from = m;
      }
    }
    return tool;
  }

  /**
   * Builds the descriptor of a tool method, validating its name, action and parameter bindings.
   *
   * @param declarations as {@link #declarations}; the first names the tool method in messages
   * @param runs the method the guard invokes (the implementation): its parameter types decide how
   *     arguments are copied
   */
  static ToolDescriptor descriptor(List<Method> declarations, Method runs, AgentTool tool) {
    Method method = declarations.get(0);
    try {
      ToolRequest.builder(tool.value()).action(tool.action());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe(method) + ": " + e.getMessage(), e);
    }
    Parameter[] params = method.getParameters();
    List<ToolDescriptor.Binding> bindings = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      Attr attr = null;
      Redact redact = null;
      Method attrFrom = null;
      for (Method m : declarations) {
        Parameter p = m.getParameters()[i];
        Attr a = p.getAnnotation(Attr.class);
        if (a != null && attr != null && !a.equals(attr)) {
          throw new IllegalArgumentException("conflicting @Attr on parameter " + i + " of " + describe(method)
              + ": " + attr + " on " + describe(attrFrom) + " vs " + a + " on " + describe(m));
        }
        if (a != null && attr == null) {
          attr = a;
          attrFrom = m;
        }
        Redact r = p.getAnnotation(Redact.class);
        if (r != null && redact != null && !r.value().isEmpty() && !redact.value().isEmpty()
            && !r.value().equals(redact.value())) {
          throw new IllegalArgumentException("conflicting @Redact names on parameter " + i + " of "
              + describe(method) + ": '" + redact.value() + "' vs '" + r.value() + "'");
        }
        if (r != null && (redact == null || redact.value().isEmpty())) {
          redact = r;
        }
      }
      if (attr == null && redact == null) {
        continue;
      }
      String where = describe(method) + " parameter " + i;
      String path = null;
      if (attr != null) {
        try {
          path = ToolRequest.checkAttributePath(attr.value());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
      }
      Parameter typed = runs.getParameters()[i];
      List<Type> generics = new ArrayList<>();
      generics.add(typed.getParameterizedType());
      for (Method m : declarations) {
        generics.add(m.getGenericParameterTypes().length == params.length ? m.getGenericParameterTypes()[i]
            : m.getParameterTypes()[i]);
      }
      ArgumentCopier copier = ArgumentCopier.forParameter(typed.getType(), generics,
          where + (path == null ? " (@Redact)" : " bound to '" + path + "'"));
      String auditKey = path != null ? path : redactedKey(declarations, i, redact, where);
      bindings.add(new ToolDescriptor.Binding(i, path, redact != null, auditKey, typed.getType().getSimpleName(),
          copier));
    }
    return new ToolDescriptor(tool.value(), tool.action(), tool.risk(), tool.sensitivity(), bindings);
  }

  /**
   * The audit key of a redacted, unbound parameter: {@code redacted.<name>} from {@code @Redact("name")},
   * else from the compiled parameter name of any declaration.
   *
   * @throws IllegalArgumentException when there is neither (compiled without {@code -parameters})
   */
  private static String redactedKey(List<Method> declarations, int i, Redact redact, String where) {
    String name = redact.value();
    if (name.isEmpty()) {
      for (Method m : declarations) {
        Parameter p = m.getParameters()[i];
        if (p.isNamePresent()) {
          name = p.getName();
          break;
        }
      }
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException(where + " is @Redact but has no name for its audit key"
          + " (redacted.<name>): name it with @Redact(\"name\") or compile with javac -parameters");
    }
    if (!REDACTED_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + ": @Redact(\"" + name + "\") is not a valid name: 1-64 ASCII"
          + " letters, digits and _, not starting with a digit");
    }
    return "redacted." + name;
  }

  /**
   * The method of {@code implClass} that runs when {@code declared} is called on an instance of it:
   * the interface method's parameter types are resolved against {@code implClass}'s type arguments
   * (so {@code Store<T>.put(T)} on a {@code Store<String>} is {@code put(String)}, never an overload
   * such as {@code put(Integer)}), and of same-signature methods the one with the most specific
   * return type (a covariant override, not its bridge) is taken.
   *
   * @return the implementation, or {@code null} when {@code implClass} is not a {@code declared} type
   * @throws IllegalArgumentException when only a compiler bridge can be found
   */
  static Method implementation(Method declared, Class<?> implClass) {
    if (!declared.getDeclaringClass().isAssignableFrom(implClass)) {
      return null;
    }
    Method found = publicMethod(implClass, declared.getName(), resolvedParameterTypes(declared, implClass));
    if (found == null) {
      found = publicMethod(implClass, declared.getName(), declared.getParameterTypes());
    }
    if (found != null && found.isBridge()) {
      throw new IllegalArgumentException("cannot tell which method of " + implClass.getName() + " implements "
          + describe(declared) + signature(declared) + ": only a compiler bridge was found");
    }
    return found;
  }

  /**
   * For a compiler bridge method, the declaration it bridges (the supertype method whose erased
   * signature it has); {@code null} when there is none.
   */
  static Method bridged(Method bridge) {
    Deque<Class<?>> pending = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    pending.add(bridge.getDeclaringClass());
    while (!pending.isEmpty()) {
      Class<?> c = pending.poll();
      if (!seen.add(c)) {
        continue;
      }
      if (c != bridge.getDeclaringClass()) {
        try {
          Method m = c.getDeclaredMethod(bridge.getName(), bridge.getParameterTypes());
          if (!m.isBridge() && !Modifier.isPrivate(m.getModifiers())) {
            return m;
          }
        } catch (NoSuchMethodException absent) {
          // not here
        }
      }
      supertypes(c, pending);
    }
    return null;
  }

  private static void supertypes(Class<?> c, Deque<Class<?>> pending) {
    if (c.getSuperclass() != null) {
      pending.add(c.getSuperclass());
    }
    pending.addAll(Arrays.asList(c.getInterfaces()));
  }

  private static Method publicMethod(Class<?> c, String name, Class<?>[] types) {
    try {
      return c.getMethod(name, types);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The erasures of {@code m}'s generic parameter types with {@code implClass}'s type arguments applied. */
  private static Class<?>[] resolvedParameterTypes(Method m, Class<?> implClass) {
    Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    collectTypeArguments(implClass, bindings, new HashSet<>());
    Type[] generic = m.getGenericParameterTypes();
    if (generic.length != m.getParameterCount()) {
      return m.getParameterTypes(); // synthetic parameters (inner classes): no generic view to resolve
    }
    Class<?>[] out = new Class<?>[generic.length];
    for (int i = 0; i < generic.length; i++) {
      out[i] = erase(generic[i], bindings, 0);
    }
    return out;
  }

  private static void collectTypeArguments(Type type, Map<TypeVariable<?>, Type> bindings, Set<Class<?>> seen) {
    Class<?> raw;
    if (type instanceof ParameterizedType p) {
      raw = (Class<?>) p.getRawType();
      TypeVariable<?>[] vars = raw.getTypeParameters();
      Type[] args = p.getActualTypeArguments();
      for (int i = 0; i < vars.length && i < args.length; i++) {
        bindings.putIfAbsent(vars[i], args[i]);
      }
    } else if (type instanceof Class<?> c) {
      raw = c;
    } else {
      return;
    }
    if (!seen.add(raw)) {
      return;
    }
    if (raw.getGenericSuperclass() != null) {
      collectTypeArguments(raw.getGenericSuperclass(), bindings, seen);
    }
    for (Type i : raw.getGenericInterfaces()) {
      collectTypeArguments(i, bindings, seen);
    }
  }

  private static Class<?> erase(Type t, Map<TypeVariable<?>, Type> bindings, int depth) {
    if (depth > MAX_TYPE_DEPTH) {
      return Object.class;
    }
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (t instanceof GenericArrayType g) {
      return Array.newInstance(erase(g.getGenericComponentType(), bindings, depth + 1), 0).getClass();
    }
    if (t instanceof TypeVariable<?> v) {
      Type bound = bindings.get(v);
      return erase(bound != null ? bound : v.getBounds()[0], bindings, depth + 1);
    }
    if (t instanceof WildcardType w) {
      return erase(w.getUpperBounds()[0], bindings, depth + 1);
    }
    return Object.class;
  }

  static String describe(Method m) {
    return m.getDeclaringClass().getName() + "." + m.getName();
  }

  private static String signature(Method m) {
    StringBuilder b = new StringBuilder(m.getName()).append('(');
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      b.append(i == 0 ? "" : ", ").append(types[i].getTypeName());
    }
    return b.append(')').toString();
  }
}
