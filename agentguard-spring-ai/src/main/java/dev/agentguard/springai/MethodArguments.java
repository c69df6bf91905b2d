package dev.agentguard.springai;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.util.JsonHelper;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Turns the model's JSON arguments of one call into the Java arguments of a {@code @Tool} method
 * exactly as Spring AI 2.0's {@code MethodToolCallback} does (same {@link JsonHelper}, same
 * per-parameter conversion, {@link ToolContext} parameters injected), so that the values the guard
 * decides on are the values the method receives. On top of Spring AI, numbers that are not finite
 * ({@code NaN}, {@code Infinity}, which Jackson accepts from the strings {@code "NaN"} and
 * {@code "Infinity"}) are refused anywhere in an argument, because no tool is written to take them
 * and comparisons with them are always false.
 *
 * <p>Immutable and thread-safe.
 */
final class MethodArguments {
  private static final JsonHelper JSON = new JsonHelper();
  private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
  private static final int MAX_DEPTH = 32;

  private final Parameter[] parameters;

  MethodArguments(Method method) {
    this.parameters = method.getParameters();
  }

  /**
   * The method's arguments for {@code input}.
   *
   * @throws IllegalArgumentException if the input is not a JSON object, an argument does not convert
   *     to its parameter type, or an argument holds a number that is not finite
   */
  Object[] bind(String input, ToolContext toolContext) {
    Map<String, Object> json;
    try {
      json = JSON.fromJson(input, MAP);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the tool arguments are not a JSON object", e);
    }
    if (json == null) {
      throw new IllegalArgumentException("the tool arguments are not a JSON object");
    }
    Object[] args = new Object[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      Parameter p = parameters[i];
      if (ToolContext.class.isAssignableFrom(p.getType())) {
        args[i] = toolContext;
        continue;
      }
      Object raw = json.get(p.getName());
      Object value;
      try {
        value = typed(raw, p.getParameterizedType());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("argument '" + p.getName() + "' does not convert to "
            + p.getParameterizedType().getTypeName(), e);
      }
      if (!finite(value, 0)) {
        throw new IllegalArgumentException("argument '" + p.getName() + "' holds a number that is not finite");
      }
      args[i] = value;
    }
    return args;
  }

  /** As {@code MethodToolCallback.buildTypedArgument}. */
  private static Object typed(Object value, Type type) {
    if (value == null) {
      return null;
    }
    if (type instanceof Class<?> c) {
      return JSON.convertToTypedObject(value, c);
    }
    return JSON.fromJson(JSON.toJson(value, true), type);
  }

  /** Whether no double or float inside {@code value} is NaN or infinite (depth-bounded: deeper is refused). */
  static boolean finite(Object value, int depth) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Enum<?>) {
      return true;
    }
    if (depth > MAX_DEPTH) {
      return false;
    }
    if (value instanceof Double d) {
      return Double.isFinite(d);
    }
    if (value instanceof Float f) {
      return Float.isFinite(f);
    }
    if (value instanceof Number || value instanceof Character) {
      return true;
    }
    if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (!finite(o, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!finite(e.getKey(), depth + 1) || !finite(e.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    Class<?> type = value.getClass();
    if (type.isArray()) {
      int n = Array.getLength(value);
      for (int i = 0; i < n; i++) {
        if (!finite(Array.get(value, i), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (type.isRecord()) {
      for (RecordComponent rc : type.getRecordComponents()) {
        Object component;
        try {
          Method accessor = rc.getAccessor();
          accessor.trySetAccessible();
          component = accessor.invoke(value);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return false;
        }
        if (!finite(component, depth + 1)) {
          return false;
        }
      }
    }
    return true;
  }
}
