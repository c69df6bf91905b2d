package dev.agentguard.core.internal.guard;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.ToolRequest;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Resolves tool metadata from annotations, once per method, at {@code protect} time, and rejects
 * misdeclared tools with a message that names the method.
 */
final class ToolMethods {
  private static final Set<Class<?>> SCALAR_TYPES = Set.of(
      String.class, CharSequence.class, Boolean.class, Character.class, Byte.class, Short.class,
      Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
      Number.class, URI.class, URL.class);

  private ToolMethods() {}

  /**
   * The {@code @AgentTool} of an interface method, looked up on the interface method and on the
   * implementation method.
   *
   * @return the annotation, or {@code null} when neither carries one
   * @throws IllegalArgumentException when both carry different values
   */
  static AgentTool annotation(Method ifaceMethod, Class<?> implClass) {
    AgentTool onInterface = ifaceMethod.getAnnotation(AgentTool.class);
    Method impl = implementation(ifaceMethod, implClass);
    AgentTool onImpl = impl == null ? null : impl.getAnnotation(AgentTool.class);
    if (onInterface != null && onImpl != null && !onInterface.equals(onImpl)) {
      throw new IllegalArgumentException("conflicting @AgentTool on " + describe(ifaceMethod) + " (" + onInterface
          + ") and " + describe(impl) + " (" + onImpl + "): declare it once or identically");
    }
    return onInterface != null ? onInterface : onImpl;
  }

  /** Builds the descriptor of a tool method, validating its name, action and parameter bindings. */
  static ToolDescriptor descriptor(Method ifaceMethod, Class<?> implClass, AgentTool tool) {
    try {
      ToolRequest.builder(tool.value()).action(tool.action());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe(ifaceMethod) + ": " + e.getMessage(), e);
    }
    Method impl = implementation(ifaceMethod, implClass);
    Parameter[] params = ifaceMethod.getParameters();
    Parameter[] implParams = impl == null ? null : impl.getParameters();
    List<ToolDescriptor.Binding> bindings = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      Attr attr = merged(params[i], implParams == null ? null : implParams[i], Attr.class, ifaceMethod);
      boolean redacted = merged(params[i], implParams == null ? null : implParams[i], Redact.class, ifaceMethod) != null;
      if (attr == null && !redacted) {
        continue;
      }
      String path = null;
      if (attr != null) {
        try {
          path = ToolRequest.checkAttributePath(attr.value());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(describe(ifaceMethod) + " parameter " + i + ": " + e.getMessage(), e);
        }
        if (!bindable(params[i].getType())) {
          throw new IllegalArgumentException(describe(ifaceMethod) + " parameter " + i + " bound to '" + path
              + "' has type " + params[i].getType().getName()
              + "; bind strings, numbers, booleans, enums, URI/URL or collections of them");
        }
      }
      String auditKey = path != null ? path : "redacted." + params[i].getName();
      bindings.add(new ToolDescriptor.Binding(i, path, redacted, auditKey));
    }
    return new ToolDescriptor(tool.value(), tool.action(), tool.risk(), tool.sensitivity(), bindings);
  }

  private static <A extends Annotation> A merged(Parameter onIface, Parameter onImpl, Class<A> type, Method m) {
    A a = onIface.getAnnotation(type);
    A b = onImpl == null ? null : onImpl.getAnnotation(type);
    if (a != null && b != null && !a.equals(b)) {
      throw new IllegalArgumentException("conflicting @" + type.getSimpleName() + " on a parameter of "
          + describe(m) + ": " + a + " vs " + b);
    }
    return a != null ? a : b;
  }

  private static boolean bindable(Class<?> t) {
    if (t.isPrimitive() || t.isEnum() || SCALAR_TYPES.contains(t) || Collection.class.isAssignableFrom(t)) {
      return true;
    }
    return t.isArray() && !t.getComponentType().isArray() && bindable(t.getComponentType());
  }

  /** The implementation's method for an interface method (the real one, not a generic bridge), or null. */
  static Method implementation(Method ifaceMethod, Class<?> implClass) {
    Method m;
    try {
      m = implClass.getMethod(ifaceMethod.getName(), ifaceMethod.getParameterTypes());
    } catch (NoSuchMethodException e) {
      return null;
    }
    if (!m.isBridge()) {
      return m;
    }
    for (Method candidate : m.getDeclaringClass().getDeclaredMethods()) {
      if (!candidate.isBridge() && candidate.getName().equals(m.getName())
          && candidate.getParameterCount() == m.getParameterCount() && assignable(candidate, m)) {
        return candidate;
      }
    }
    return m;
  }

  private static boolean assignable(Method specific, Method erased) {
    Class<?>[] s = specific.getParameterTypes();
    Class<?>[] e = erased.getParameterTypes();
    for (int i = 0; i < s.length; i++) {
      if (!e[i].isAssignableFrom(s[i])) {
        return false;
      }
    }
    return true;
  }

  static String describe(Method m) {
    return m.getDeclaringClass().getName() + "." + m.getName();
  }
}
