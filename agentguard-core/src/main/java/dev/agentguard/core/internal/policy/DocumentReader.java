package dev.agentguard.core.internal.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.agentguard.PolicyException;
import dev.agentguard.core.internal.Glob;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a policy document (YAML or JSON) strictly into compiled {@link Rule}s and {@link Limit}s,
 * and computes the canonical form and version. Every problem is a {@link PolicyException} with the
 * line and column of the offending token. Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class DocumentReader {
  /** Largest document accepted, in characters (4 MiB). */
  public static final int MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;
  /** Largest policy file read, in bytes (a UTF-8 document of {@link #MAX_DOCUMENT_CHARS} characters fits). */
  public static final long MAX_FILE_BYTES = 4L * MAX_DOCUMENT_CHARS;
  /** Deepest nesting of objects and lists in a document. */
  public static final int MAX_DOCUMENT_DEPTH = 32;
  /** Longest string (or key) in a document, in characters. */
  public static final int MAX_LITERAL_CHARS = 16 * 1024;
  /** Most rules in one document. */
  public static final int MAX_RULES = 100_000;
  /** Most limits in one document. */
  public static final int MAX_LIMITS = 10_000;
  /** Most entries in one {@code tools} or {@code agents} list. */
  public static final int MAX_GLOBS_PER_LIST = 1024;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DOCUMENT_DEPTH + 2)
      .maxStringLength(MAX_DOCUMENT_CHARS)
      .maxNumberLength(64)
      .maxDocumentLength(MAX_DOCUMENT_CHARS + 16L)
      .build();

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(CONSTRAINTS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final YAMLFactory YAML;

  static {
    LoaderOptions lo = new LoaderOptions();
    lo.setAllowDuplicateKeys(false);
    lo.setMaxAliasesForCollections(1);
    lo.setNestingDepthLimit(MAX_DOCUMENT_DEPTH + 2);
    lo.setCodePointLimit(MAX_DOCUMENT_CHARS + 16);
    lo.setAllowRecursiveKeys(false);
    YAML = YAMLFactory.builder()
        .loaderOptions(lo)
        .streamReadConstraints(CONSTRAINTS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  private DocumentReader() {}

  /** The result of reading a document. */
  static final class Parsed {
    final List<Rule> rules;
    final List<Limit> limits;
    final String canonical;
    final String version;

    Parsed(List<Rule> rules, List<Limit> limits, String canonical, String version) {
      this.rules = rules;
      this.limits = limits;
      this.canonical = canonical;
      this.version = version;
    }
  }

  // ---------------------------------------------------------------- generic tree with locations

  private static final class Node {
    static final int OBJ = 0;
    static final int ARR = 1;
    static final int SCALAR = 2;
    final int kind;
    final int line;
    final int col;
    JsonToken token;
    String text;
    JsonParser.NumberType numberType;
    long longValue;
    final Map<String, Node> fields = new LinkedHashMap<>();
    final Map<String, int[]> keyLocs = new LinkedHashMap<>();
    final List<Node> items = new ArrayList<>();

    Node(int kind, int line, int col) {
      this.kind = kind;
      this.line = line;
      this.col = col;
    }

    String describe() {
      switch (kind) {
        case OBJ:
          return "an object";
        case ARR:
          return "a list";
        default:
          if (token == JsonToken.VALUE_STRING) {
            return "a string";
          }
          if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return "a number";
          }
          if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return "a boolean";
          }
          return "null";
      }
    }

    String valueText() {
      if (kind == OBJ) {
        return "{...}";
      }
      if (kind == ARR) {
        return "[...]";
      }
      return text == null ? "null" : Expr.shorten(text);
    }
  }

  /**
   * Parses, validates and compiles a document.
   *
   * @throws PolicyException on any problem, with source, line and column
   */
  static Parsed read(String text, String source) {
    if (text == null) {
      throw new PolicyException(source, 0, 0, null, "document is null");
    }
    if (text.length() > MAX_DOCUMENT_CHARS) {
      throw new PolicyException(source, 0, 0, null,
          "document longer than " + MAX_DOCUMENT_CHARS + " characters");
    }
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    Node root;
    try {
      root = readTree(body, source);
    } catch (PolicyException e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      throw new PolicyException(source, loc == null ? 0 : Math.max(loc.getLineNr(), 0),
          loc == null ? 0 : Math.max(loc.getColumnNr(), 0), null,
          "syntax error: " + firstLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      throw new PolicyException(source, 0, 0, null, "cannot read document: " + firstLine(String.valueOf(e.getMessage())));
    } catch (StackOverflowError e) {
      throw new PolicyException(source, 0, 0, null, "document nested too deeply");
    }
    return new Validator(source, body).document(root);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed input";
    }
    int nl = s.indexOf('\n');
    String l = nl < 0 ? s : s.substring(0, nl);
    return l.length() > 200 ? l.substring(0, 197) + "..." : l;
  }

  private static boolean isJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  private static Node readTree(String text, String source) throws IOException {
    boolean json = isJson(text);
    try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new PolicyException(source, 0, 0, null, "empty document; expected an object with version and policies");
      }
      Node root = readValue(p, t, source, 1);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        JsonLocation l = p.currentTokenLocation();
        throw new PolicyException(source, l.getLineNr(), l.getColumnNr(), null,
            "unexpected content after the document; expected exactly one document");
      }
      return root;
    }
  }

  private static Node readValue(JsonParser p, JsonToken t, String source, int depth) throws IOException {
    JsonLocation loc = p.currentTokenLocation();
    int line = loc.getLineNr();
    int col = loc.getColumnNr();
    if (depth > MAX_DOCUMENT_DEPTH) {
      throw new PolicyException(source, line, col, null, "document nested deeper than " + MAX_DOCUMENT_DEPTH + " levels");
    }
    if (p instanceof YAMLParser) {
      YAMLParser y = (YAMLParser) p;
      String anchor = y.getObjectId();
      if (y.isCurrentAlias() || anchor != null) {
        throw new PolicyException(source, line, col, y.isCurrentAlias() ? "*" + y.getText() : "&" + anchor,
            "YAML anchors and aliases are not allowed in policies");
      }
      String tag = y.getTypeId();
      if (tag != null) {
        throw new PolicyException(source, line, col, tag, "YAML tags are not allowed in policies");
      }
    }
    switch (t) {
      case START_OBJECT: {
        Node n = new Node(Node.OBJ, line, col);
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonLocation kl = p.currentTokenLocation();
          if (name.length() > MAX_LITERAL_CHARS) {
            throw new PolicyException(source, kl.getLineNr(), kl.getColumnNr(), Expr.shorten(name),
                "key longer than " + MAX_LITERAL_CHARS + " characters");
          }
          if (n.fields.containsKey(name)) {
            throw new PolicyException(source, kl.getLineNr(), kl.getColumnNr(), Expr.shorten(name), "duplicate key");
          }
          JsonToken vt = p.nextToken();
          if (vt == null) {
            throw new PolicyException(source, kl.getLineNr(), kl.getColumnNr(), Expr.shorten(name), "missing value");
          }
          n.keyLocs.put(name, new int[] {kl.getLineNr(), kl.getColumnNr()});
          n.fields.put(name, readValue(p, vt, source, depth + 1));
        }
        if (k != JsonToken.END_OBJECT) {
          throw new PolicyException(source, line, col, null, "unterminated object");
        }
        return n;
      }
      case START_ARRAY: {
        Node n = new Node(Node.ARR, line, col);
        JsonToken it;
        while ((it = p.nextToken()) != JsonToken.END_ARRAY) {
          if (it == null) {
            throw new PolicyException(source, line, col, null, "unterminated list");
          }
          n.items.add(readValue(p, it, source, depth + 1));
        }
        return n;
      }
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
      case VALUE_NULL: {
        Node n = new Node(Node.SCALAR, line, col);
        n.token = t;
        if (t != JsonToken.VALUE_NULL) {
          String s = p.getText();
          if (s.length() > MAX_LITERAL_CHARS) {
            throw new PolicyException(source, line, col, Expr.shorten(s),
                "value longer than " + MAX_LITERAL_CHARS + " characters");
          }
          n.text = s;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
          n.numberType = p.getNumberType();
          if (n.numberType == JsonParser.NumberType.INT || n.numberType == JsonParser.NumberType.LONG) {
            n.longValue = p.getLongValue();
          }
        }
        return n;
      }
      default:
        throw new PolicyException(source, line, col, null, "unsupported value (" + t + ")");
    }
  }

  // ---------------------------------------------------------------- validation

  private static final class Validator {
    final String source;
    final String text;
    String[] lines;
    /** Compiled conditions by text: trees are immutable, so identical conditions share one. */
    final Map<String, Expr.Cond> compiled = new java.util.HashMap<>();

    Validator(String source, String text) {
      this.source = source;
      this.text = text;
    }

    PolicyException err(Node n, String problem) {
      return new PolicyException(source, n.line, n.col, n.kind == Node.SCALAR && n.token == JsonToken.VALUE_NULL ? "null" : n.valueText(), problem);
    }

    PolicyException keyErr(Node obj, String key, String problem) {
      int[] l = obj.keyLocs.get(key);
      return new PolicyException(source, l[0], l[1], Expr.shorten(key), problem);
    }

    void allowOnly(Node obj, String what, List<String> allowed) {
      for (String k : obj.fields.keySet()) {
        if (!allowed.contains(k)) {
          throw keyErr(obj, k, "unknown field in " + what + "; expected one of " + String.join(", ", allowed));
        }
      }
    }

    Node required(Node obj, String key, String what) {
      Node n = obj.fields.get(key);
      if (n == null) {
        throw new PolicyException(source, obj.line, obj.col, null, what + " is missing required field '" + key + "'");
      }
      return n;
    }

    String string(Node n, String field) {
      if (n.kind != Node.SCALAR || n.token != JsonToken.VALUE_STRING) {
        boolean bare = n.kind == Node.SCALAR && n.token != JsonToken.VALUE_NULL;
        throw err(n, "'" + field + "' must be a string, found " + n.describe()
            + (bare ? "; quote the value if you meant the text" : ""));
      }
      return n.text;
    }

    List<String> globs(Node n, String field) {
      if (n.kind != Node.ARR) {
        throw err(n, "'" + field + "' must be a list of glob strings, found " + n.describe());
      }
      if (n.items.isEmpty()) {
        throw err(n, "'" + field + "' must not be empty" + (field.equals("agents") ? "; omit it to match any agent" : ""));
      }
      if (n.items.size() > MAX_GLOBS_PER_LIST) {
        throw err(n, "'" + field + "' has more than " + MAX_GLOBS_PER_LIST + " entries");
      }
      List<String> out = new ArrayList<>();
      for (Node item : n.items) {
        String s = string(item, field + "[]");
        try {
          Glob.compile(s);
        } catch (IllegalArgumentException e) {
          throw err(item, "malformed glob in '" + field + "': " + e.getMessage());
        }
        out.add(s);
      }
      return out;
    }

    String id(Node n, String what) {
      String s = string(n, "id");
      if (!ID.matcher(s).matches()) {
        throw err(n, what + " id must be 1-128 characters of letters, digits, '.', '_' or '-'");
      }
      return s;
    }

    long positive(Node n, String field) {
      if (n.kind != Node.SCALAR || n.token != JsonToken.VALUE_NUMBER_INT) {
        throw err(n, "'" + field + "' must be a positive integer, found " + n.describe());
      }
      if (n.numberType != JsonParser.NumberType.INT && n.numberType != JsonParser.NumberType.LONG) {
        throw err(n, "'" + field + "' is out of range (overflow); expected a positive integer up to " + Long.MAX_VALUE);
      }
      if (n.longValue <= 0) {
        throw err(n, "'" + field + "' must be a positive integer");
      }
      return n.longValue;
    }

    Parsed document(Node root) {
      if (root.kind != Node.OBJ) {
        throw err(root, "a policy document must be an object with 'version' and 'policies', found " + root.describe());
      }
      allowOnly(root, "the document", List.of("version", "policies", "limits"));
      Node v = required(root, "version", "the document");
      if (v.kind != Node.SCALAR || v.token != JsonToken.VALUE_NUMBER_INT || v.numberType != JsonParser.NumberType.INT
          || v.longValue != 1) {
        throw err(v, "unsupported 'version'; expected the integer 1");
      }
      Node pol = required(root, "policies", "the document");
      if (pol.kind != Node.ARR) {
        throw err(pol, "'policies' must be a list of rules, found " + pol.describe());
      }
      if (pol.items.size() > MAX_RULES) {
        throw err(pol, "more than " + MAX_RULES + " rules");
      }
      List<Rule> rules = new ArrayList<>(pol.items.size());
      Set<String> ids = new HashSet<>();
      for (Node r : pol.items) {
        Rule rule = rule(r);
        if (!ids.add(rule.id)) {
          throw err(r.fields.get("id"), "duplicate rule id");
        }
        rules.add(rule);
      }
      List<Limit> limits = new ArrayList<>();
      Node lim = root.fields.get("limits");
      if (lim != null) {
        if (lim.kind != Node.ARR) {
          throw err(lim, "'limits' must be a list, found " + lim.describe());
        }
        if (lim.items.size() > MAX_LIMITS) {
          throw err(lim, "more than " + MAX_LIMITS + " limits");
        }
        Set<String> lids = new HashSet<>();
        for (Node l : lim.items) {
          Limit limit = limit(l);
          if (!lids.add(limit.id)) {
            throw err(l.fields.get("id"), "duplicate limit id");
          }
          limits.add(limit);
        }
      }
      String canonical = canonical(rules, limits);
      return new Parsed(List.copyOf(rules), List.copyOf(limits), canonical, version(canonical));
    }

    Rule rule(Node r) {
      if (r.kind != Node.OBJ) {
        throw err(r, "a rule must be an object, found " + r.describe());
      }
      allowOnly(r, "a rule", List.of("id", "description", "effect", "agents", "tools", "when", "expires"));
      String id = id(required(r, "id", "a rule"), "rule");
      Node dn = r.fields.get("description");
      String description = dn == null ? null : string(dn, "description");
      Node en = required(r, "effect", "rule '" + id + "'");
      String effect = string(en, "effect");
      if (!effect.equals("permit") && !effect.equals("forbid")) {
        throw err(en, "'effect' must be exactly permit or forbid");
      }
      Node an = r.fields.get("agents");
      List<String> agents = an == null ? null : globs(an, "agents");
      List<String> tools = globs(required(r, "tools", "rule '" + id + "'"), "tools");
      Node wn = r.fields.get("when");
      String when = null;
      Expr.Cond cond = null;
      if (wn != null) {
        when = string(wn, "when");
        try {
          cond = compiled.get(when);
          if (cond == null) {
            cond = ExprCompiler.compile(when);
            compiled.put(when, cond);
          }
        } catch (ExprCompiler.ExprError e) {
          throw whenError(wn, when, e);
        }
      }
      Node xn = r.fields.get("expires");
      Instant expires = null;
      if (xn != null) {
        String s = string(xn, "expires");
        try {
          expires = Instant.parse(s);
        } catch (DateTimeParseException e) {
          throw err(xn, "'expires' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
      }
      return new Rule(id, description, effect.equals("forbid"), agents, tools, when, cond, expires);
    }

    Limit limit(Node l) {
      if (l.kind != Node.OBJ) {
        throw err(l, "a limit must be an object, found " + l.describe());
      }
      allowOnly(l, "a limit", List.of("id", "tools", "agents", "maxCallsPerTask", "maxCallsPerMinute"));
      String id = id(required(l, "id", "a limit"), "limit");
      List<String> tools = globs(required(l, "tools", "limit '" + id + "'"), "tools");
      Node an = l.fields.get("agents");
      List<String> agents = an == null ? null : globs(an, "agents");
      Node tn = l.fields.get("maxCallsPerTask");
      Node mn = l.fields.get("maxCallsPerMinute");
      if (tn == null && mn == null) {
        throw new PolicyException(source, l.line, l.col, id,
            "limit needs at least one of maxCallsPerTask or maxCallsPerMinute");
      }
      long perTask = tn == null ? -1 : positive(tn, "maxCallsPerTask");
      long perMinute = mn == null ? -1 : positive(mn, "maxCallsPerMinute");
      return new Limit(id, tools, agents, perTask, perMinute);
    }

    /** Maps an offset inside a {@code when} string to a document column where the text is found verbatim. */
    PolicyException whenError(Node wn, String when, ExprCompiler.ExprError e) {
      int line = wn.line;
      int col = wn.col;
      if (when.indexOf('\n') < 0 && when.indexOf('\r') < 0) {
        if (lines == null) {
          lines = text.split("\r\n|\r|\n", -1);
        }
        if (line >= 1 && line <= lines.length) {
          String l = lines[line - 1];
          int idx = l.indexOf(when, Math.max(0, col - 1));
          if (idx >= 0) {
            col = idx + 1 + e.offset;
          }
        }
      }
      return new PolicyException(source, line, col, e.value,
          "invalid 'when' condition at offset " + e.offset + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- canonical form

  /**
   * Canonical JSON: keys sorted, no whitespace, rules and limits sorted by id, absent optional
   * fields omitted, {@code expires} normalised by {@link Instant#toString()}.
   */
  static String canonical(List<Rule> rules, List<Limit> limits) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      if (!limits.isEmpty()) {
        g.writeArrayFieldStart("limits");
        List<Limit> ls = new ArrayList<>(limits);
        ls.sort(Comparator.comparing(l -> l.id));
        for (Limit l : ls) {
          g.writeStartObject();
          if (l.agents != null) {
            writeList(g, "agents", l.agents);
          }
          g.writeStringField("id", l.id);
          if (l.maxCallsPerMinute > 0) {
            g.writeNumberField("maxCallsPerMinute", l.maxCallsPerMinute);
          }
          if (l.maxCallsPerTask > 0) {
            g.writeNumberField("maxCallsPerTask", l.maxCallsPerTask);
          }
          writeList(g, "tools", l.tools);
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeArrayFieldStart("policies");
      List<Rule> rs = new ArrayList<>(rules);
      rs.sort(Comparator.comparing(r -> r.id));
      for (Rule r : rs) {
        g.writeStartObject();
        if (r.agents != null) {
          writeList(g, "agents", r.agents);
        }
        if (r.description != null) {
          g.writeStringField("description", r.description);
        }
        g.writeStringField("effect", r.forbid ? "forbid" : "permit");
        if (r.expires != null) {
          g.writeStringField("expires", r.expires.toString());
        }
        g.writeStringField("id", r.id);
        writeList(g, "tools", r.tools);
        if (r.when != null) {
          g.writeStringField("when", r.when);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("version", 1);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write canonical form", e);
    }
    return w.toString();
  }

  private static void writeList(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  static String version(String canonical) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder("sha256:");
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 not available", e);
    }
  }
}
