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

  /** Attribute paths already validated (bounded; see {@link ValidNames}). */
  private static final ValidNames VALID_PATHS = new ValidNames(1024, 256);
  /** Tool names already validated (bounded). */
  private static final ValidNames VALID_TOOLS = new ValidNames(512, 128);
  private static final Object[] EMPTY = new Object[0];

  private final String tool;
  private final String action;
  private final Risk risk;
  private final Sensitivity sensitivity;
  /**
   * The attributes, never written after construction: up to {@link Builder#SMALL} keys and values
   * side by side ({@code k0, v0, k1, v1, ...}, {@code size} pairs); for a large request
   * ({@code size == -1}) one element, the immutable hash map of its attributes.
   */
  private final Object[] pairs;
  private final int size;
  /** The {@link #attributes()} view of a small request's {@link #pairs}, made on first use. */
  private Map<String, Object> view;

  private ToolRequest(Builder b) {
    this.tool = b.tool;
    this.action = b.action;
    this.risk = b.risk;
    this.sensitivity = b.sensitivity;
    if (b.large != null) {
      this.pairs = new Object[] {Map.copyOf(b.large)};
      this.size = -1;
    } else {
      this.pairs = b.share();
      this.size = b.size;
    }
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
    if (size < 0) {
      b.large = new HashMap<>(large());
    } else {
      b.pairs = pairs;
      b.size = size;
      b.shared = true; // copied on the builder's first change
    }
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
    Object s = attribute("resource.sensitivity");
    return s instanceof Sensitivity ? (Sensitivity) s : sensitivity;
  }

  /** All attributes, unmodifiable, keyed by path. */
  public Map<String, Object> attributes() {
    if (size < 0) {
      return large();
    }
    Map<String, Object> v = view;
    if (v == null) {
      v = new PairMap(pairs, size); // immutable with final fields: safe to publish through a race
      view = v;
    }
    return v;
  }

  /**
   * One attribute, or {@code null} when absent.
   *
   * @throws NullPointerException if {@code path} is null
   */
  public Object attribute(String path) {
    Objects.requireNonNull(path, "path");
    if (size < 0) {
      return large().get(path);
    }
    int i = indexOf(pairs, size, path);
    return i < 0 ? null : pairs[i + 1];
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> large() {
    return (Map<String, Object>) pairs[0];
  }

  /** The index of {@code key} in {@code pairs} (an even index), or -1; a null key is never found. */
  static int indexOf(Object[] pairs, int size, Object key) {
    if (key == null) {
      return -1;
    }
    for (int i = 0; i < 2 * size; i += 2) {
      Object k = pairs[i];
      if (k == key || k.equals(key)) { // keys are Strings: equals is an intrinsic, quick on a length mismatch
        return i;
      }
    }
    return -1;
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
    derived.retainAll(attributes().keySet());
    return Collections.unmodifiableSet(derived);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ToolRequest)) {
      return false;
    }
    ToolRequest r = (ToolRequest) o;
    return tool.equals(r.tool) && action.equals(r.action) && risk == r.risk
        && sensitivity == r.sensitivity && attributes().equals(r.attributes());
  }

  @Override
  public int hashCode() {
    return Objects.hash(tool, action, risk, sensitivity, attributes());
  }

  @Override
  public String toString() {
    return "ToolRequest{" + tool + " " + action + " " + risk.wireName() + "/" + sensitivity.wireName()
        + " " + attributes().keySet() + "}";
  }

  /** Checks a tool name: 1-128 characters of letters, digits, {@code . _ -}, not starting or ending with {@code .}. */
  static String checkToolName(String tool) {
    Objects.requireNonNull(tool, "tool");
    if (VALID_TOOLS.contains(tool)) {
      return tool;
    }
    validateToolName(tool);
    VALID_TOOLS.remember(tool);
    return tool;
  }

  private static void validateToolName(String tool) {
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
  }

  /**
   * Checks an attribute path: a root of {@code resource}, {@code destination} or {@code context},
   * then one or more identifier segments separated by dots. A path that passed once is remembered
   * in a small fixed-size memo (it never grows), so the paths an application uses on every call
   * are checked once.
   *
   * @throws IllegalArgumentException naming the path and what is wrong
   */
  public static String checkAttributePath(String path) {
    Objects.requireNonNull(path, "path");
    if (VALID_PATHS.contains(path)) {
      return path;
    }
    validatePath(path);
    VALID_PATHS.remember(path);
    return path;
  }

  private static void validatePath(String path) {
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
  }

  /** Builds a {@link ToolRequest}. Not thread-safe. */
  public static final class Builder {
    /** Most attributes kept as a flat array of pairs; beyond that the builder switches to a hash map. */
    static final int SMALL = 8;
    /** Pairs room is made for at first. */
    private static final int INITIAL = 4;

    private final String tool;
    private String action = "invoke";
    private Risk risk = Risk.MEDIUM;
    private Sensitivity sensitivity = Sensitivity.INTERNAL;
    /** Keys and values side by side, {@code size} pairs; null until the first attribute. */
    private Object[] pairs;
    private int size;
    /** Whether {@link #pairs} belongs to a built request too (copy before the next change). */
    private boolean shared;
    /** The attributes once there are more than {@link #SMALL}; then {@link #pairs} is unused. */
    private Map<String, Object> large;

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
        remove(path);
        return this;
      }
      // strings, the common case, need no freezing; everything else is copied out of line
      Object frozen = value instanceof String ? value : AttributeValues.freeze(path, value);
      if (frozen instanceof String && path.equals("resource.sensitivity")) {
        frozen = sensitivityNamed((String) frozen);
      }
      put(path, frozen);
      return this;
    }

    private static Sensitivity sensitivityNamed(String name) {
      try {
        return Sensitivity.fromWireName(name);
      } catch (IllegalArgumentException e) {
        // the value may be a secret (a redacted argument): name the path and the choices, not the value
        throw new IllegalArgumentException("attribute 'resource.sensitivity' is not a sensitivity name;"
            + " expected one of public, internal, confidential, restricted");
      }
    }

    /** Builds the request, deriving {@code destination.scheme/host/port} from {@code destination.url}. */
    public ToolRequest build() {
      Object url = get("destination.url");
      if (url instanceof String) {
        deriveDestination((String) url);
      }
      return new ToolRequest(this);
    }

    /** The pairs for a request being built, which this builder no longer changes (it copies first). */
    Object[] share() {
      if (pairs == null) {
        return EMPTY;
      }
      shared = true;
      return pairs;
    }

    private Object get(String path) {
      if (large != null) {
        return large.get(path);
      }
      int i = indexOf(pairs, size, path);
      return i < 0 ? null : pairs[i + 1];
    }

    /**
     * Sets {@code path}. Kept small so that it inlines into {@link #attribute} and a builder used in
     * one expression is never allocated (the JIT's escape analysis); rarer cases go to {@link #putSlow}.
     */
    private void put(String path, Object value) {
      Object[] p = pairs;
      int n = size;
      if (large == null && !shared && n < INITIAL && indexOf(p, n, path) < 0) {
        if (p == null) {
          p = new Object[2 * INITIAL];
        }
        p[2 * n] = path;
        p[2 * n + 1] = value;
        pairs = p;
        size = n + 1;
        return;
      }
      putSlow(path, value);
    }

    private void putSlow(String path, Object value) {
      if (large != null) {
        large.put(path, value);
        return;
      }
      int i = indexOf(pairs, size, path);
      if (i >= 0) {
        writable(0)[i + 1] = value;
        return;
      }
      if (size == SMALL) {
        large = new HashMap<>();
        for (int j = 0; j < 2 * size; j += 2) {
          large.put((String) pairs[j], pairs[j + 1]);
        }
        large.put(path, value);
        pairs = null;
        size = 0;
        return;
      }
      Object[] p = writable(1);
      p[2 * size] = path;
      p[2 * size + 1] = value;
      size++;
    }

    private void remove(String path) {
      if (large != null) {
        large.remove(path);
        return;
      }
      int i = indexOf(pairs, size, path);
      if (i < 0) {
        return;
      }
      Object[] p = writable(0);
      int last = 2 * (size - 1);
      p[i] = p[last]; // order is not kept, as in a hash map
      p[i + 1] = p[last + 1];
      p[last] = null;
      p[last + 1] = null;
      size--;
    }

    /** {@link #pairs}, private to this builder and with room for {@code extra} more pairs. */
    private Object[] writable(int extra) {
      Object[] p = pairs;
      int need = 2 * (size + extra);
      if (p == null) {
        p = new Object[Math.max(need, 2 * INITIAL)];
      } else if (shared || p.length < need) {
        p = java.util.Arrays.copyOf(p, Math.max(need, shared ? p.length : 2 * p.length));
      }
      pairs = p;
      shared = false;
      return p;
    }

    private void deriveDestination(String url) {
      remove("destination.scheme");
      remove("destination.host");
      remove("destination.port");
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
      put("destination.scheme", scheme);
      put("destination.host", host);
      long port = uri.getPort();
      if (port < 0) {
        port = defaultPort(scheme);
      }
      if (port >= 0) {
        put("destination.port", port);
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
