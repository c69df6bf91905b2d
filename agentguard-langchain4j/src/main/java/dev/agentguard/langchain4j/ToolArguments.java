package dev.agentguard.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentguard.Redact;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.invocation.LangChain4jManaged;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the model's JSON arguments of one tool call into the Java arguments of the tool method, the
 * way LangChain4j's own {@code DefaultToolExecutor} does: parameters are named by {@code @P(name)}
 * or by their compiled name; {@code @ToolMemoryId}, {@link InvocationParameters},
 * {@link InvocationContext} and {@link LangChain4jManaged} parameters are injected from the
 * invocation; a missing argument takes its {@code @P(defaultValue)}, is {@code Optional.empty()},
 * or {@code null} (primitives: an error). Conversion is strict where it matters for authorization:
 * fractional numbers never truncate into integer parameters, out-of-range numbers are errors, and a
 * value that converts to a non-finite number ({@code "NaN"}, {@code "Infinity"}, {@code 1e999}, also
 * inside lists, maps and arrays) is refused rather than handed to a policy comparison.
 *
 * <p>Immutable and thread-safe.
 */
final class ToolArguments {
  static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .findAndAddModules()
      .build();

  private enum Kind { JSON, MEMORY_ID, INVOCATION_PARAMETERS, INVOCATION_CONTEXT, MANAGED }

  private final String toolName;
  private final Kind[] kinds;
  private final String[] names;
  private final JavaType[] types;
  private final boolean[] optional;
  private final boolean[] primitive;
  private final Object[] defaults;
  private final Class<?>[] classes;
  private final boolean[] redacted;

  private ToolArguments(String toolName, int n) {
    this.toolName = toolName;
    this.kinds = new Kind[n];
    this.names = new String[n];
    this.types = new JavaType[n];
    this.optional = new boolean[n];
    this.primitive = new boolean[n];
    this.defaults = new Object[n];
    this.classes = new Class<?>[n];
    this.redacted = new boolean[n];
  }

  /**
   * Resolves the parameters of a tool method once.
   *
   * @throws IllegalArgumentException if a {@code @P(defaultValue)} does not convert to its parameter's type
   */
  static ToolArguments of(String toolName, Method method) {
    Parameter[] params = method.getParameters();
    ToolArguments a = new ToolArguments(toolName, params.length);
    for (int i = 0; i < params.length; i++) {
      Parameter p = params[i];
      Class<?> type = p.getType();
      a.classes[i] = type;
      if (p.isAnnotationPresent(ToolMemoryId.class)) {
        a.kinds[i] = Kind.MEMORY_ID;
        continue;
      }
      if (InvocationParameters.class.isAssignableFrom(type)) {
        a.kinds[i] = Kind.INVOCATION_PARAMETERS;
        continue;
      }
      if (type == InvocationContext.class) {
        a.kinds[i] = Kind.INVOCATION_CONTEXT;
        continue;
      }
      if (LangChain4jManaged.class.isAssignableFrom(type)) {
        a.kinds[i] = Kind.MANAGED;
        continue;
      }
      a.kinds[i] = Kind.JSON;
      a.redacted[i] = p.isAnnotationPresent(Redact.class);
      P ann = p.getAnnotation(P.class);
      a.names[i] = ann != null && !ann.name().isBlank() ? ann.name() : p.getName();
      Type generic = p.getParameterizedType();
      if (type == Optional.class) {
        a.optional[i] = true;
        generic = generic instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
      }
      a.types[i] = JSON.getTypeFactory().constructType(generic);
      a.primitive[i] = type.isPrimitive();
      if (ann != null && !P.NO_DEFAULT.equals(ann.defaultValue())) {
        a.defaults[i] = parseDefault(toolName, a.names[i], ann.defaultValue(), a.types[i]);
      }
    }
    return a;
  }

  /**
   * Converts the model's arguments for one call.
   *
   * @param json the arguments object as the model sent it; blank means no arguments
   * @throws IllegalArgumentException if the JSON is not an object, a required argument is missing or
   *     a value does not convert to its parameter's type
   */
  Object[] bind(String json, InvocationContext context) {
    ObjectNode given = parse(json);
    Object[] args = new Object[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      switch (kinds[i]) {
        case MEMORY_ID -> args[i] = context == null ? null : context.chatMemoryId();
        case INVOCATION_PARAMETERS -> args[i] = context == null ? null : context.invocationParameters();
        case INVOCATION_CONTEXT -> args[i] = context;
        case MANAGED -> args[i] = context == null || context.managedParameters() == null
            ? null : context.managedParameters().get(classes[i]);
        case JSON -> args[i] = value(i, given.get(names[i]));
        default -> throw new IllegalStateException("unknown parameter kind " + kinds[i]);
      }
    }
    return args;
  }

  private Object value(int i, JsonNode node) {
    boolean absent = node == null || node.isNull();
    if (absent) {
      if (defaults[i] != null) {
        return optional[i] ? Optional.of(defaults[i]) : defaults[i];
      }
      if (optional[i]) {
        return Optional.empty();
      }
      if (primitive[i]) {
        throw new IllegalArgumentException(
            "required argument \"" + names[i] + "\" of tool \"" + toolName + "\" is missing");
      }
      return null;
    }
    Object v;
    try {
      v = JSON.treeToValue(node, types[i]);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // a @Redact argument's value must not reach logs or the model through the error text
      String detail = redacted[i] ? "" : ": " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
      throw new IllegalArgumentException("argument \"" + names[i] + "\" of tool \"" + toolName
          + "\" is not a valid " + types[i].toCanonical() + detail, redacted[i] ? null : e);
    }
    if (!finite(v, 0)) {
      // Jackson turns "NaN"/"Infinity" strings (and 1e999) into doubles; such a number must never reach a policy
      throw new IllegalArgumentException("argument \"" + names[i] + "\" of tool \"" + toolName
          + "\" is not a finite number: NaN and infinities are refused");
    }
    return optional[i] ? Optional.ofNullable(v) : v;
  }

  /** False when {@code v} is, or holds (in collections, maps, arrays), a NaN or infinite float or double. */
  private static boolean finite(Object v, int depth) {
    if (v instanceof Double d) {
      return Double.isFinite(d);
    }
    if (v instanceof Float f) {
      return Float.isFinite(f);
    }
    if (depth > 64) {
      return false;
    }
    if (v instanceof Iterable<?> items) {
      for (Object o : items) {
        if (!finite(o, depth + 1)) {
          return false;
        }
      }
    } else if (v instanceof Map<?, ?> map) {
      return finite(map.values(), depth + 1);
    } else if (v instanceof Optional<?> o) {
      return o.isEmpty() || finite(o.get(), depth + 1);
    } else if (v != null && v.getClass().isArray()) {
      for (int j = 0, n = Array.getLength(v); j < n; j++) {
        if (!finite(Array.get(v, j), depth + 1)) {
          return false;
        }
      }
    }
    return true;
  }

  private ObjectNode parse(String json) {
    if (json == null || json.isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // no excerpt of the input: it may hold a @Redact argument
      throw new IllegalArgumentException("arguments of tool \"" + toolName + "\" are not valid JSON"
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")"));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return JSON.createObjectNode();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("arguments of tool \"" + toolName + "\" must be a JSON object");
    }
    return (ObjectNode) root;
  }

  private static Object parseDefault(String toolName, String name, String text, JavaType type) {
    Class<?> raw = type.getRawClass();
    try {
      if (raw == String.class) {
        return text;
      }
      if (raw.isEnum() || raw == java.util.UUID.class) {
        return JSON.treeToValue(JSON.getNodeFactory().textNode(text), type);
      }
      return JSON.treeToValue(JSON.readTree(text), type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("@P(defaultValue = \"" + text + "\") of parameter \"" + name
          + "\" of tool \"" + toolName + "\" is not a valid " + type.toCanonical(), e);
    }
  }
}
