package dev.agentguard;

import dev.agentguard.internal.VisibleText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One tool call as the policy engine sees it: the tool's name, action, risk and sensitivity, and a
 * frozen set of attributes keyed by path ({@code resource.id}, {@code destination.url},
 * {@code context.environment}, ...).
 *
 * <p>Attribute values are copied into immutable types when the request is built, so a caller that
 * mutates an argument afterwards cannot change what was decided or audited. When
 * {@code destination.url} is set, {@code destination.scheme}, {@code destination.host} and
 * {@code destination.port} are derived from it (overriding values supplied directly); the guard
 * derives {@code destination.external} from {@code destination.host}. {@link #derivedFrom} names
 * these derivations, so whatever is derived from a redacted value is redacted with it.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ToolRequest {
  /** Which attributes are derived from which: the builder's URL parts and the guard's classification. */
  private static final Map<String, List<String>> DERIVATIONS = Map.of(
      "destination.url", List.of("destination.scheme", "destination.host", "destination.port"),
      "destination.host", List.of("destination.external"));

  private final String tool;
  private final String action;
  private final Risk risk;
  private final Sensitivity sensitivity;
  private final Map<String, Object> attributes;

  private ToolRequest(Builder b) {
    this.tool = b.tool;
    this.action = b.action;
    this.risk = b.risk;
    this.sensitivity = b.sensitivity;
    this.attributes = Map.copyOf(b.attributes);
  }

  /**
   * Starts a request for a tool. Defaults: action {@code "invoke"}, risk MEDIUM, sensitivity
   * INTERNAL, as for {@link AgentTool}.
   *
   * @throws IllegalArgumentException if the tool name is not valid
   */
  public static Builder builder(String tool) {
    return new Builder(tool);
  }

  /** A builder that starts as a copy of this request. */
  public Builder toBuilder() {
    Builder b = new Builder(tool).action(action).risk(risk).sensitivity(sensitivity);
    b.attributes.putAll(attributes);
    return b;
  }

  /** The tool name, e.g. {@code "tickets.read"}. */
  public String tool() {
    return tool;
  }

  /** The action, e.g. {@code "read"}. */
  public String action() {
    return action;
  }

  /** The tool's declared risk. */
  public Risk risk() {
    return risk;
  }

  /** The tool's declared data sensitivity. */
  public Sensitivity sensitivity() {
    return sensitivity;
  }

  /**
   * The sensitivity of the data this call touches: {@code resource.sensitivity} when bound, else the
   * tool's declared sensitivity.
   */
  public Sensitivity resourceSensitivity() {
    Object s = attributes.get("resource.sensitivity");
    return s instanceof Sensitivity ? (Sensitivity) s : sensitivity;
  }

  /** All attributes, unmodifiable, keyed by path. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** One attribute, or {@code null} when absent. */
  public Object attribute(String path) {
    return attributes.get(path);
  }

  /**
   * The attributes of this request whose values are derived from the attribute at {@code path},
   * directly or through another derived attribute: for {@code destination.url} its scheme, host and
   * port and, from the host, {@code destination.external}. Whoever hides the value at {@code path}
   * (the guard, for {@code @Redact} arguments) hides these with it.
   *
   * @return the derived paths present in this request, in derivation order; empty when none
   * @throws NullPointerException if {@code path} is null
   * @since 0.2.0
   */
  public Set<String> derivedFrom(String path) {
    Objects.requireNonNull(path, "path");
    Set<String> derived = new LinkedHashSet<>();
    Deque<String> pending = new ArrayDeque<>();
    pending.add(path);
    while (!pending.isEmpty()) {
      for (String d : DERIVATIONS.getOrDefault(pending.poll(), List.of())) {
        if (derived.add(d)) {
          pending.add(d);
        }
      }
    }
    derived.retainAll(attributes.keySet());
    return Collections.unmodifiableSet(derived);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ToolRequest)) {
      return false;
    }
    ToolRequest r = (ToolRequest) o;
    return tool.equals(r.tool) && action.equals(r.action) && risk == r.risk
        && sensitivity == r.sensitivity && attributes.equals(r.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tool, action, risk, sensitivity, attributes);
  }

  @Override
  public String toString() {
    return "ToolRequest{" + tool + " " + action + " " + risk.wireName() + "/" + sensitivity.wireName()
        + " " + attributes.keySet() + "}";
  }

  /** Checks a tool name: 1-128 characters of letters, digits, {@code . _ -}, not starting or ending with {@code .}. */
  static String checkToolName(String tool) {
    Objects.requireNonNull(tool, "tool");
    VisibleText.requireVisible(tool, "tool name");
    if (tool.isEmpty() || tool.length() > 128 || tool.startsWith(".") || tool.endsWith(".")
        || tool.contains("..")) {
      throw new IllegalArgumentException("invalid tool name '" + tool + "'");
    }
    for (int i = 0; i < tool.length(); i++) {
      char c = tool.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        throw new IllegalArgumentException("invalid tool name '" + tool + "': character '" + c + "' not allowed");
      }
    }
    return tool;
  }

  /**
   * Checks an attribute path: a root of {@code resource}, {@code destination} or {@code context},
   * then one or more identifier segments separated by dots.
   *
   * @throws IllegalArgumentException naming the path and what is wrong
   */
  public static String checkAttributePath(String path) {
    Objects.requireNonNull(path, "path");
    int dot = path.indexOf('.');
    String root = dot < 0 ? path : path.substring(0, dot);
    if (!root.equals("resource") && !root.equals("destination") && !root.equals("context")) {
      throw new IllegalArgumentException("attribute path '" + path
          + "' must start with resource., destination. or context.");
    }
    if (dot < 0 || dot == path.length() - 1) {
      throw new IllegalArgumentException("attribute path '" + path + "' needs a name after the root");
    }
    for (String segment : path.substring(dot + 1).split("\\.", -1)) {
      if (!AttributeValues.isIdentifier(segment)) {
        throw new IllegalArgumentException("attribute path '" + path + "' has an invalid segment '" + segment + "'");
      }
    }
    return path;
  }

  /** Builds a {@link ToolRequest}. Not thread-safe. */
  public static final class Builder {
    private final String tool;
    private String action = "invoke";
    private Risk risk = Risk.MEDIUM;
    private Sensitivity sensitivity = Sensitivity.INTERNAL;
    private final Map<String, Object> attributes = new HashMap<>();

    private Builder(String tool) {
      this.tool = checkToolName(tool);
    }

    /** The action, e.g. {@code "read"}. */
    public Builder action(String action) {
      Objects.requireNonNull(action, "action");
      if (action.isEmpty() || action.length() > 64) {
        throw new IllegalArgumentException("invalid action '" + action + "'");
      }
      this.action = action;
      return this;
    }

    /** The tool's risk. */
    public Builder risk(Risk risk) {
      this.risk = Objects.requireNonNull(risk, "risk");
      return this;
    }

    /** The tool's declared data sensitivity. */
    public Builder sensitivity(Sensitivity sensitivity) {
      this.sensitivity = Objects.requireNonNull(sensitivity, "sensitivity");
      return this;
    }

    /**
     * Sets an attribute. The value is copied into an immutable form (strings, booleans, longs,
     * doubles, risks, sensitivities and lists of them; primitive arrays become lists of numbers or
     * booleans, a {@code char[]} a string). {@code resource.sensitivity} also accepts a
     * sensitivity's wire name. A {@code null} value removes the attribute.
     *
     * @throws IllegalArgumentException for an invalid path or an unsupported value type; the message
     *     names the path and the type, never the value
     */
    public Builder attribute(String path, Object value) {
      checkAttributePath(path);
      if (value == null) {
        attributes.remove(path);
        return this;
      }
      Object frozen = AttributeValues.freeze(path, value);
      if (path.equals("resource.sensitivity") && frozen instanceof String) {
        try {
          frozen = Sensitivity.fromWireName((String) frozen);
        } catch (IllegalArgumentException e) {
          // the value may be a secret (a redacted argument): name the path and the choices, not the value
          throw new IllegalArgumentException("attribute 'resource.sensitivity' is not a sensitivity name;"
              + " expected one of public, internal, confidential, restricted");
        }
      }
      attributes.put(path, frozen);
      return this;
    }

    /** Builds the request, deriving {@code destination.scheme/host/port} from {@code destination.url}. */
    public ToolRequest build() {
      Object url = attributes.get("destination.url");
      if (url instanceof String) {
        deriveDestination((String) url);
      }
      return new ToolRequest(this);
    }

    private void deriveDestination(String url) {
      attributes.remove("destination.scheme");
      attributes.remove("destination.host");
      attributes.remove("destination.port");
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        return; // no derived parts: conditions on them are errors, which fail closed
      }
      String scheme = uri.getScheme();
      String host = uri.getHost();
      if (scheme == null || host == null) {
        return;
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      host = host.toLowerCase(Locale.ROOT);
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
      attributes.put("destination.scheme", scheme);
      attributes.put("destination.host", host);
      long port = uri.getPort();
      if (port < 0) {
        port = defaultPort(scheme);
      }
      if (port >= 0) {
        attributes.put("destination.port", port);
      }
    }

    private static long defaultPort(String scheme) {
      switch (scheme) {
        case "http":
        case "ws":
          return 80;
        case "https":
        case "wss":
          return 443;
        case "smtp":
          return 25;
        default:
          return -1;
      }
    }
  }
}
