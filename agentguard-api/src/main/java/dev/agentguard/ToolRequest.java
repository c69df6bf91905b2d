package dev.agentguard;

import dev.agentguard.internal.VisibleText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Arrays;
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
  private static final String URL = "destination.url";
  private static final String RESOURCE_SENSITIVITY = "resource.sensitivity";

  /** Attribute paths already validated (bounded; see {@link ValidNames}). */
  private static final ValidNames VALID_PATHS = new ValidNames(1024, 256);
  /** Tool names already validated (bounded). */
  private static final ValidNames VALID_TOOLS = new ValidNames(512, 128);
  private static final String[] NO_KEYS = new String[0];
  private static final Object[] NO_VALUES = new Object[0];
  /** {@link Sensitivity#values()} once: the enum's own method copies its array per call. */
  private static final Sensitivity[] SENSITIVITIES = Sensitivity.values();
  /** {@link Risk#values()} once. */
  private static final Risk[] RISKS = Risk.values();
  /** Most attributes kept in two flat arrays; a request with more keeps an immutable hash map. */
  static final int SMALL = 8;

  private final String tool;
  private final String action;
  /** The risk's ordinal: a byte instead of a reference, so a request is 32 bytes, not 40. */
  private final byte risk;
  /** The sensitivity's ordinal, likewise. */
  private final byte sensitivity;
  /**
   * The keys of a small request, in the order of {@link #values}, or {@code null} for a large one.
   * Never written after construction; all requests of one {@link Template} share one array.
   */
  private final String[] keys;
  /**
   * The values of a small request, exactly as many as {@link #keys}; for a large request one element,
   * the immutable hash map of its attributes. Never written after construction.
   */
  private final Object[] values;

  private ToolRequest(String tool, String action, Risk risk, Sensitivity sensitivity, String[] keys,
      Object[] values) {
    this.tool = tool;
    this.action = action;
    this.risk = (byte) risk.ordinal();
    this.sensitivity = (byte) sensitivity.ordinal();
    this.keys = keys;
    this.values = values;
  }

  /**
   * The request of a builder's state, which this method does not keep: when {@code more} is null,
   * the first {@code n} slots ({@code k0/v0 ..}), else the attributes in {@code more}; derives
   * {@code destination.scheme/host/port} from {@code destination.url}. Slots may hold one key
   * twice (see {@link Builder#put}): the later slot wins.
   *
   * <p>One method on purpose: called from {@link Builder#build()} with the builder's fields (never
   * the builder), and larger than what the JIT inlines ({@code FreqInlineSize}), so {@code build()}
   * compiles to a small call that inlines wherever a builder is used and the builder itself is
   * left to escape analysis.
   */
  private static ToolRequest assemble(String tool, String action, Risk risk, Sensitivity sensitivity,
      Map<String, Object> more, int n, String k0, Object v0, String k1, Object v1, String k2,
      Object v2, String k3, Object v3) {
    String[] keys = null;
    if (more == null) {
      if (n == 0) {
        return new ToolRequest(tool, action, risk, sensitivity, NO_KEYS, NO_VALUES);
      }
      keys = KeySets.known(n, k0, k1, k2, k3);
      if (keys == null && plainSlots(n, k0, k1, k2, k3)) {
        keys = KeySets.remember(n, k0, k1, k2, k3);
      }
    }
    if (keys != null) {
      Object[] values = new Object[n];
      values[0] = v0;
      if (n > 1) {
        values[1] = v1;
      }
      if (n > 2) {
        values[2] = v2;
      }
      if (n > 3) {
        values[3] = v3;
      }
      return new ToolRequest(tool, action, risk, sensitivity, keys, values);
    }
    Map<String, Object> m;
    if (more != null) {
      m = new HashMap<>(more);
    } else {
      m = new HashMap<>();
      if (n > 0) {
        m.put(k0, v0);
      }
      if (n > 1) {
        m.put(k1, v1);
      }
      if (n > 2) {
        m.put(k2, v2);
      }
      if (n > 3) {
        m.put(k3, v3);
      }
    }
    Object destination = m.get(URL);
    if (destination instanceof String) {
      deriveDestination((String) destination, m);
    }
    int size = m.size();
    if (size > SMALL) {
      return new ToolRequest(tool, action, risk, sensitivity, null, new Object[] {Map.copyOf(m)});
    }
    if (size == 0) {
      return new ToolRequest(tool, action, risk, sensitivity, NO_KEYS, NO_VALUES);
    }
    keys = new String[size];
    Object[] values = new Object[size];
    int i = 0;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      keys[i] = e.getKey();
      values[i] = e.getValue();
      i++;
    }
    return new ToolRequest(tool, action, risk, sensitivity, keys, values);
  }

  /** Whether the first {@code n} slot keys are distinct and none is {@code destination.url}. */
  private static boolean plainSlots(int n, String k0, String k1, String k2, String k3) {
    return (n < 1 || !k0.equals(URL))
        && (n < 2 || !(k1.equals(URL) || k1.equals(k0)))
        && (n < 3 || !(k2.equals(URL) || k2.equals(k0) || k2.equals(k1)))
        && (n < 4 || !(k3.equals(URL) || k3.equals(k0) || k3.equals(k1) || k3.equals(k2)));
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
    Builder b = new Builder(tool).action(action).risk(risk()).sensitivity(sensitivity());
    if (keys == null) {
      b.more = new HashMap<>(large());
    } else if (keys.length > Builder.SLOTS) {
      b.more = new HashMap<>();
      for (int i = 0; i < keys.length; i++) {
        b.more.put(keys[i], values[i]);
      }
    } else {
      for (int i = 0; i < keys.length; i++) {
        b.slot(i, keys[i], values[i]);
      }
      b.size = keys.length;
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
    return RISKS[risk];
  }

  /** The tool's declared data sensitivity. */
  public Sensitivity sensitivity() {
    return SENSITIVITIES[sensitivity];
  }

  /**
   * The sensitivity of the data this call touches: {@code resource.sensitivity} when bound, else the
   * tool's declared sensitivity.
   */
  public Sensitivity resourceSensitivity() {
    Object s = attribute(RESOURCE_SENSITIVITY);
    return s instanceof Sensitivity ? (Sensitivity) s : sensitivity();
  }

  /** All attributes, unmodifiable, keyed by path. */
  public Map<String, Object> attributes() {
    if (keys == null) {
      return large();
    }
    return new PairMap(keys, values); // a view over the immutable arrays, made per call: not kept on the request
  }

  /**
   * One attribute, or {@code null} when absent.
   *
   * @throws NullPointerException if {@code path} is null
   */
  public Object attribute(String path) {
    Objects.requireNonNull(path, "path");
    if (keys == null) {
      return large().get(path);
    }
    int i = indexOf(keys, path);
    return i < 0 ? null : values[i];
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> large() {
    return (Map<String, Object>) values[0];
  }

  /**
   * The index of {@code key} in {@code keys} (distinct keys), or -1; a null key is never found.
   * Identity first: a request's keys and a policy's lookup keys are mostly the same instances
   * (literals, the path memo's), and the keys are distinct, so the first pass finds the only match.
   */
  static int indexOf(String[] keys, Object key) {
    if (key == null) {
      return -1;
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
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
    return Objects.hash(tool, action, risk(), sensitivity(), attributes());
  }

  @Override
  public String toString() {
    return "ToolRequest{" + tool + " " + action + " " + risk().wireName() + "/" + sensitivity().wireName()
        + " " + attributes().keySet() + "}";
  }

  /**
   * Checks a tool name: 1-128 characters of letters, digits, {@code . _ -}, not starting or ending
   * with {@code .}. Returns the memo's instance of an equal name that passed before, so the
   * requests of one tool share one instance and the engine's lookups by tool name succeed on
   * identity; else {@code tool} itself.
   */
  static String checkToolName(String tool) {
    Objects.requireNonNull(tool, "tool");
    // one memo lookup in line (names from a model's call are new instances each call, so equal to
    // the memo's one rather than it): the builder's constructor stays small enough to inline
    String known = VALID_TOOLS.canonical(tool);
    if (known != null) {
      return known;
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
   * @return {@code path}, or the memo's instance of an equal path that passed before (the builder
   *     keeps that one, so requests naming one path share one key instance)
   * @throws IllegalArgumentException naming the path and what is wrong
   */
  public static String checkAttributePath(String path) {
    Objects.requireNonNull(path, "path");
    // in line only the common case, the memo's own instance (a literal, a path kept from before):
    // callers such as the builder stay small enough for the JIT to inline
    return VALID_PATHS.holds(path) ? path : checkNewPath(path);
  }

  /** {@link #checkAttributePath} of a path that is not the memo's instance: equal to it, or to be validated. */
  private static String checkNewPath(String path) {
    String known = VALID_PATHS.canonical(path);
    if (known != null) {
      return known;
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

  /**
   * The frozen form of {@code value} for the attribute at {@code path} (already checked), or
   * {@code null} when {@code value} is null (the attribute is absent). See
   * {@link Builder#attribute}.
   */
  private static Object frozen(String path, Object value) {
    // strings and sensitivities, the common cases, need no freezing (AttributeValues.freeze returns
    // both as they are); everything else is copied out of line
    if (value instanceof String) {
      return isSensitivityPath(path) ? sensitivityNamed((String) value) : value;
    }
    if (value == null || value instanceof Sensitivity) {
      return value;
    }
    return frozenOther(path, value);
  }

  /** {@link #frozen} of a value that is neither a string nor a sensitivity. */
  private static Object frozenOther(String path, Object value) {
    Object frozen = AttributeValues.freeze(path, value);
    if (frozen instanceof String && isSensitivityPath(path)) {
      return sensitivityNamed((String) frozen);
    }
    return frozen;
  }

  /**
   * Whether {@code path} is {@code resource.sensitivity}; the full comparison only for a path of its
   * length, so for the usual other paths the compiled code is two comparisons of numbers.
   */
  private static boolean isSensitivityPath(String path) {
    return path == RESOURCE_SENSITIVITY
        || (path.length() == RESOURCE_SENSITIVITY.length() && path.equals(RESOURCE_SENSITIVITY));
  }

  private static Sensitivity sensitivityNamed(String name) {
    for (Sensitivity s : SENSITIVITIES) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    // the value may be a secret (a redacted argument): name the path and the choices, not the value
    throw new IllegalArgumentException("attribute 'resource.sensitivity' is not a sensitivity name;"
        + " expected one of public, internal, confidential, restricted");
  }

  /** Sets {@code destination.scheme/host/port} in {@code m} from {@code url}, dropping any given ones. */
  private static void deriveDestination(String url, Map<String, Object> m) {
    m.remove("destination.scheme");
    m.remove("destination.host");
    m.remove("destination.port");
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
    m.put("destination.scheme", scheme);
    m.put("destination.host", host);
    long port = uri.getPort();
    if (port < 0) {
      port = defaultPort(scheme);
    }
    if (port >= 0) {
      m.put("destination.port", port);
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

  /**
   * Builds a {@link ToolRequest}. A builder may go on being changed and built after {@link #build()};
   * what it built does not change. Not thread-safe.
   *
   * <p>The first {@value #SLOTS} attributes are kept in fields and everything heavier (path checks,
   * freezing, the request's arrays) happens in static methods, so a builder used in one expression
   * ({@code builder(t).attribute(a, x).attribute(b, y).build()}) is left to the JIT's escape analysis:
   * only the request itself is allocated.
   */
  public static final class Builder {
    /** Attributes kept in fields; beyond, the builder keeps them in a hash map. */
    static final int SLOTS = 4;

    private final String tool;
    private String action = "invoke";
    private Risk risk = Risk.MEDIUM;
    private Sensitivity sensitivity = Sensitivity.INTERNAL;
    private String k0;
    private String k1;
    private String k2;
    private String k3;
    private Object v0;
    private Object v1;
    private Object v2;
    private Object v3;
    /** Attributes in the slots {@code k0/v0 ..}, when {@link #more} is null. */
    private int size;
    /** All attributes once there were more than {@link #SLOTS}; then the slots are unused. */
    private Map<String, Object> more;

    private Builder(String tool) {
      this.tool = checkToolName(tool);
    }

    /** The action, e.g. {@code "read"}. */
    public Builder action(String action) {
      this.action = checkAction(action);
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
      String p = checkAttributePath(path);
      Object frozen = frozen(p, value);
      int n = size;
      // the common case in line, everything else (removal, a fifth attribute) out of line: the
      // compiled method stays small enough to inline at its call site, so the builder is left to
      // escape analysis there however hot this method was before
      if (frozen != null && n < SLOTS && more == null) {
        slot(n, p, frozen);
        size = n + 1;
      } else {
        change(p, frozen);
      }
      return this;
    }

    /** {@link #attribute} outside its common case: a removal ({@code frozen} null), or past the slots. */
    private void change(String path, Object frozen) {
      if (frozen == null) {
        remove(path);
      } else {
        put(path, frozen);
      }
    }

    /**
     * A template for requests of this builder's tool, action, risk and sensitivity, with the
     * attributes set so far fixed, and one attribute per path in {@code paths} to be given per
     * request ({@link Template#with(Object)}). The paths are checked here, once.
     *
     * @throws IllegalArgumentException for an invalid path, a path given twice or a path that
     *     already has a fixed value
     * @since 0.2.0
     */
    public Template template(String... paths) {
      Objects.requireNonNull(paths, "paths");
      Map<String, Object> fixed = attributes();
      String[] keys = new String[fixed.size() + paths.length];
      Object[] fixedValues = new Object[fixed.size()];
      int i = 0;
      for (Map.Entry<String, Object> e : fixed.entrySet()) {
        keys[i] = e.getKey();
        fixedValues[i] = e.getValue();
        i++;
      }
      for (String given : paths) {
        String path = checkAttributePath(given);
        if (Arrays.asList(keys).subList(0, i).contains(path)) {
          throw new IllegalArgumentException("attribute path '" + path + "' is "
              + (fixed.containsKey(path) ? "already fixed in the template" : "given twice"));
        }
        keys[i++] = path;
      }
      return new Template(tool, action, risk, sensitivity, keys, fixedValues);
    }

    /** Builds the request, deriving {@code destination.scheme/host/port} from {@code destination.url}. */
    public ToolRequest build() {
      // one static call on the fields: build() stays small enough to inline, the builder never escapes
      return assemble(tool, action, risk, sensitivity, more, size, k0, v0, k1, v1, k2, v2, k3, v3);
    }

    /** The attributes set so far, as a new map (rare paths only). */
    private Map<String, Object> attributes() {
      if (more != null) {
        return new HashMap<>(more);
      }
      Map<String, Object> m = new HashMap<>();
      for (int i = 0; i < size; i++) {
        m.put(key(i), value(i));
      }
      return m;
    }

    /**
     * Sets {@code path}. Kept small so that it inlines into {@link #attribute}: it only appends, so
     * a key set twice takes two slots, in the order set, and {@link #assemble} (or the map, once
     * spilled) keeps the later value. Rarer cases go to {@link #spill} and {@link #more}.
     */
    private void put(String path, Object value) {
      if (more == null) {
        int n = size;
        if (n < SLOTS) {
          slot(n, path, value);
          size = n + 1;
          return;
        }
        spill();
      }
      more.put(path, value);
    }

    private static boolean same(String key, String path) {
      return key == path || key.equals(path);
    }

    /** Moves the slots into {@link #more}. */
    private void spill() {
      Map<String, Object> m = new HashMap<>();
      for (int i = 0; i < size; i++) {
        m.put(key(i), value(i));
        slot(i, null, null);
      }
      size = 0;
      more = m;
    }

    private void remove(String path) {
      if (more != null) {
        more.remove(path);
        return;
      }
      int kept = 0;
      for (int i = 0; i < size; i++) { // every slot with an equal key (see put); the others keep their order
        if (!same(key(i), path)) {
          slot(kept++, key(i), value(i));
        }
      }
      for (int i = kept; i < size; i++) {
        slot(i, null, null);
      }
      size = kept;
    }

    private String key(int i) {
      switch (i) {
        case 0:
          return k0;
        case 1:
          return k1;
        case 2:
          return k2;
        default:
          return k3;
      }
    }

    private Object value(int i) {
      switch (i) {
        case 0:
          return v0;
        case 1:
          return v1;
        case 2:
          return v2;
        default:
          return v3;
      }
    }

    /** Writes slot {@code i} (0 .. {@link #SLOTS} - 1). */
    void slot(int i, String key, Object value) {
      switch (i) {
        case 0:
          k0 = key;
          v0 = value;
          break;
        case 1:
          k1 = key;
          v1 = value;
          break;
        case 2:
          k2 = key;
          v2 = value;
          break;
        default:
          k3 = key;
          v3 = value;
          break;
      }
    }
  }

  private static String checkAction(String action) {
    Objects.requireNonNull(action, "action");
    if (action.isEmpty() || action.length() > 64) {
      throw new IllegalArgumentException("invalid action '" + action + "'");
    }
    return action;
  }

  /**
   * The fixed parts of one tool's requests, made once (for example when an adapter registers a
   * tool), so that each call only supplies its values: tool, action, risk, sensitivity, the
   * attributes fixed at {@link Builder#template} time and the paths of the per-call attributes, in
   * order, checked once. A request made with {@link #with(Object)} (or {@link #with(Object, Object)},
   * {@link #withValues}) equals the one the builder makes from the
   * same values ({@code toBuilder()} of the fixed part, then {@code attribute(path, value)} for each
   * path in order, then {@code build()}), and has the same freezing, {@code resource.sensitivity}
   * and {@code destination.url} handling; only it costs one request object and one exact-size array
   * of values, the keys being shared by all requests of the template.
   *
   * <pre>{@code
   * ToolRequest.Template reads = ToolRequest.builder("tickets.read").action("read").risk(Risk.LOW)
   *     .attribute("context.environment", "prod")
   *     .template("resource.id");
   * ToolRequest r = reads.with(ticketId); // per call; with(a, b) and withValues(...) for more paths
   * }</pre>
   *
   * <p>Immutable and thread-safe; one template may serve any number of threads at once, and no
   * request made from it holds another's values.
   *
   * @since 0.2.0
   */
  public static final class Template {
    private final String tool;
    private final String action;
    private final Risk risk;
    private final Sensitivity sensitivity;
    /** The fixed keys, then the per-call paths; shared by the requests, never written. */
    private final String[] keys;
    /** The fixed (frozen) values; never written. */
    private final Object[] fixed;
    /** Whether a request must be made through the builder: a URL to derive from, or too many attributes. */
    private final boolean viaBuilder;

    private Template(String tool, String action, Risk risk, Sensitivity sensitivity, String[] keys, Object[] fixed) {
      this.tool = tool;
      this.action = action;
      this.risk = risk;
      this.sensitivity = sensitivity;
      this.keys = keys;
      this.fixed = fixed;
      this.viaBuilder = indexOf(keys, URL) >= 0 || keys.length > SMALL;
    }

    /** The per-call paths, in the order {@code with} and {@link #withValues} take their values. */
    public List<String> paths() {
      return List.of(keys).subList(fixed.length, keys.length);
    }

    /**
     * The request for a template of exactly one path.
     *
     * @throws IllegalArgumentException if the template does not have exactly one path, or for an
     *     unsupported value type (the message names the path and the type, never the value)
     */
    public ToolRequest with(Object value) {
      arity(1);
      Object v = viaBuilder ? null : frozen(keys[fixed.length], value);
      if (v == null) {
        return viaBuilder(new Object[] {value});
      }
      Object[] values = values();
      values[fixed.length] = v;
      return new ToolRequest(tool, action, risk, sensitivity, keys, values);
    }

    /**
     * The request for a template of exactly two paths.
     *
     * @throws IllegalArgumentException as {@link #with(Object)}, for a template of other than two paths
     */
    public ToolRequest with(Object first, Object second) {
      arity(2);
      int at = fixed.length;
      Object a = viaBuilder ? null : frozen(keys[at], first);
      Object b = a == null ? null : frozen(keys[at + 1], second);
      if (b == null) {
        return viaBuilder(new Object[] {first, second});
      }
      Object[] values = values();
      values[at] = a;
      values[at + 1] = b;
      return new ToolRequest(tool, action, risk, sensitivity, keys, values);
    }

    /**
     * The request with one value per path, in {@link #paths()} order, for a template of any number
     * of paths; a {@code null} value leaves its attribute out. The array is read once and not kept.
     *
     * @throws IllegalArgumentException if the number of values is not the number of paths, or for an
     *     unsupported value type (the message names the path and the type, never the value)
     * @throws NullPointerException if {@code values} is null
     */
    public ToolRequest withValues(Object... values) {
      Objects.requireNonNull(values, "values");
      arity(values.length);
      Object[] given = values.clone(); // read each element once, whatever the caller does to its array
      if (viaBuilder) {
        return viaBuilder(given);
      }
      Object[] out = values();
      for (int i = 0; i < given.length; i++) {
        Object v = frozen(keys[fixed.length + i], given[i]);
        if (v == null) {
          return viaBuilder(given);
        }
        out[fixed.length + i] = v;
      }
      return new ToolRequest(tool, action, risk, sensitivity, keys, out);
    }

    private void arity(int n) {
      if (n != keys.length - fixed.length) {
        throw new IllegalArgumentException("the template of " + tool + " takes " + (keys.length - fixed.length)
            + " values (" + String.join(", ", paths()) + "), not " + n);
      }
    }

    /** A new values array of the request's length, the fixed values in place. */
    private Object[] values() {
      Object[] v = new Object[keys.length];
      System.arraycopy(fixed, 0, v, 0, fixed.length);
      return v;
    }

    /** The builder's way, for what the shared keys cannot hold: a null value, a URL, many attributes. */
    private ToolRequest viaBuilder(Object[] given) {
      Builder b = new Builder(tool).action(action).risk(risk).sensitivity(sensitivity);
      for (int i = 0; i < fixed.length; i++) {
        b.put(keys[i], fixed[i]);
      }
      for (int i = 0; i < given.length; i++) {
        b.attribute(keys[fixed.length + i], given[i]);
      }
      return b.build();
    }

    @Override
    public String toString() {
      return "ToolRequest.Template{" + tool + " " + action + " " + risk.wireName() + "/" + sensitivity.wireName()
          + " " + Arrays.asList(keys) + "}";
    }
  }
}
