package dev.agentguard.core.internal.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.agentguard.PolicyException;
import dev.agentguard.core.internal.StrictJsonFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

import static dev.agentguard.core.internal.policy.DocumentReader.MAX_DOCUMENT_CHARS;
import static dev.agentguard.core.internal.policy.DocumentReader.MAX_DOCUMENT_DEPTH;
import static dev.agentguard.core.internal.policy.DocumentReader.MAX_LITERAL_CHARS;

/**
 * Reads a YAML or JSON document into a tree of {@link Node}s that remember their line and column,
 * within the document limits: duplicate keys, anchors, aliases, tags, deep nesting and long
 * literals are {@link PolicyException}s here, before any validation. Stateless and thread-safe.
 */
final class DocumentTree {
  private static final StreamReadConstraints CONSTRAINTS =
      StrictJsonFactory.constraints(MAX_DOCUMENT_DEPTH + 2, MAX_DOCUMENT_CHARS, 64, MAX_DOCUMENT_CHARS + 16L);

  /** The strict JSON factory of policy documents (also writes the canonical form). */
  static final JsonFactory JSON =
      StrictJsonFactory.create(MAX_DOCUMENT_DEPTH + 2, MAX_DOCUMENT_CHARS, 64, MAX_DOCUMENT_CHARS + 16L);

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

  private DocumentTree() {}

  /** One value of the document with its location. */
  static final class Node {
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
      return text == null ? "null" : ErrorText.shorten(text);
    }
  }

  static String firstLine(String s) {
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

  static Node readTree(String text, String source) throws IOException {
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
            throw new PolicyException(source, kl.getLineNr(), kl.getColumnNr(), ErrorText.shorten(name),
                "key longer than " + MAX_LITERAL_CHARS + " characters");
          }
          if (n.fields.containsKey(name)) {
            throw new PolicyException(source, kl.getLineNr(), kl.getColumnNr(), ErrorText.shorten(name), "duplicate key");
          }
          JsonToken vt = p.nextToken();
          if (vt == null) {
            throw new PolicyException(source, kl.getLineNr(), kl.getColumnNr(), ErrorText.shorten(name), "missing value");
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
            throw new PolicyException(source, line, col, ErrorText.shorten(s),
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

}
