package dev.agentguard.core.internal.policy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.agentguard.core.internal.Hashing;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The canonical JSON form of a policy set and its version. Stateless and thread-safe. */
final class CanonicalForm {
  private CanonicalForm() {}

  /**
   * Canonical JSON: keys sorted, no whitespace, rules and limits sorted by id, absent optional
   * fields omitted, {@code expires} normalised by {@link Instant#toString()}; {@code mode} and
   * {@code approval} only when not the default ({@code shadow}, {@code required}), so documents that
   * do not use them keep their version.
   */
  static String of(List<Rule> rules, List<Limit> limits) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = DocumentTree.JSON.createGenerator(w)) {
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
        if (r.approval) {
          g.writeStringField("approval", "required");
        }
        if (r.description != null) {
          g.writeStringField("description", r.description);
        }
        g.writeStringField("effect", r.forbid ? "forbid" : "permit");
        if (r.expires != null) {
          g.writeStringField("expires", r.expires.toString());
        }
        g.writeStringField("id", r.id);
        if (r.shadow) {
          g.writeStringField("mode", "shadow");
        }
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

  /** {@code sha256:} plus the hex SHA-256 of the canonical form: the policy set's version. */
  static String version(String canonical) {
    return Hashing.sha256Tagged(canonical);
  }
}
