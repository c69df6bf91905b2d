package dev.agentguard.core.internal.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.agentguard.PolicyException;
import dev.agentguard.core.internal.Glob;
import dev.agentguard.core.internal.policy.DocumentTree.Node;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.agentguard.core.internal.policy.DocumentReader.MAX_GLOBS_PER_LIST;
import static dev.agentguard.core.internal.policy.DocumentReader.MAX_LIMITS;
import static dev.agentguard.core.internal.policy.DocumentReader.MAX_RULES;

/**
 * Validates a document tree against the policy schema and compiles its rules, limits and
 * conditions; every problem is a {@link PolicyException} at the offending node's line and column.
 * One instance per document; not thread-safe.
 */
final class DocumentValidator {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  final String source;
  final String text;
  String[] lines;
  /** Compiled conditions by text: trees are immutable, so identical conditions share one. */
  final Map<String, Expr.Cond> compiled = new java.util.HashMap<>();
  /** Shares equal strings, globs and pattern lists between the rules (compact compiled form). */
  final Interner interner = new Interner();

  DocumentValidator(String source, String text) {
    this.source = source;
    this.text = text;
  }

  PolicyException err(Node n, String problem) {
    return new PolicyException(source, n.line, n.col, n.kind == Node.SCALAR && n.token == JsonToken.VALUE_NULL ? "null" : n.valueText(), problem);
  }

  PolicyException keyErr(Node obj, String key, String problem) {
    int[] l = obj.keyLocs.get(key);
    return new PolicyException(source, l[0], l[1], ErrorText.shorten(key), problem);
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
    return interner.globList(out);
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

  DocumentReader.Parsed document(Node root) {
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
    String canonical = CanonicalForm.of(rules, limits);
    return new DocumentReader.Parsed(List.copyOf(rules), List.copyOf(limits), canonical, CanonicalForm.version(canonical));
  }

  Rule rule(Node r) {
    if (r.kind != Node.OBJ) {
      throw err(r, "a rule must be an object, found " + r.describe());
    }
    allowOnly(r, "a rule", List.of("id", "description", "effect", "agents", "tools", "when", "expires", "mode",
        "approval"));
    String id = id(required(r, "id", "a rule"), "rule");
    Node dn = r.fields.get("description");
    String description = dn == null ? null : interner.string(string(dn, "description"));
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
      when = interner.string(string(wn, "when"));
      try {
        cond = compiled.get(when);
        if (cond == null) {
          cond = ExprCompiler.compile(when);
          compiled.put(when, cond);
        }
      } catch (ExprError e) {
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
    boolean shadow = mode(r.fields.get("mode"));
    boolean approval = approval(r.fields.get("approval"), effect);
    return new Rule(id, description, effect.equals("forbid"), agents, tools, when, cond, expires, shadow, approval);
  }

  /** {@code mode}: {@code enforce} (the default) or {@code shadow}; true for shadow. */
  boolean mode(Node n) {
    if (n == null) {
      return false;
    }
    String mode = string(n, "mode");
    if (!mode.equals("enforce") && !mode.equals("shadow")) {
      throw err(n, "'mode' must be exactly enforce or shadow");
    }
    return mode.equals("shadow");
  }

  /** {@code approval}: {@code required} or {@code none} (the default), on permit rules only. */
  boolean approval(Node n, String effect) {
    if (n == null) {
      return false;
    }
    String approval = string(n, "approval");
    if (!approval.equals("required") && !approval.equals("none")) {
      throw err(n, "'approval' must be exactly required or none");
    }
    if (approval.equals("required") && effect.equals("forbid")) {
      throw err(n, "'approval: required' applies to permit rules only; a forbid denies without asking anyone:"
          + " remove 'approval' or make the rule a permit");
    }
    return approval.equals("required");
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
  PolicyException whenError(Node wn, String when, ExprError e) {
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
