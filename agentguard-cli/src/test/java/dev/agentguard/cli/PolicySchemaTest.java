package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/policy.schema.json accepts every example policy of the repository and rejects invalid documents. */
class PolicySchemaTest {
  static final Path ROOT = Path.of(System.getProperty("agentguard.repo.root", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Schema schema;

  /** An example policy: where it came from and its text. */
  record Example(String where, String text) {
    @Override
    public String toString() {
      return where;
    }
  }

  @BeforeAll
  static void loadSchema() throws IOException {
    String text = Files.readString(ROOT.resolve("docs/policy.schema.json"), StandardCharsets.UTF_8);
    schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text, InputFormat.JSON);
  }

  private static List<Error> validate(String yamlOrJson) {
    boolean json = yamlOrJson.stripLeading().startsWith("{");
    return schema.validate(yamlOrJson, json ? InputFormat.JSON : InputFormat.YAML);
  }

  /** Policy files under src/main and docs, and the ```yaml blocks of the docs that are policy documents. */
  static List<Example> examples() throws IOException {
    List<Example> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String rel = ROOT.relativize(f).toString().replace('\\', '/');
        if (rel.contains("/target/") || rel.startsWith(".") || rel.contains("/src/test/") || !Files.isRegularFile(f)) {
          continue;
        }
        String name = f.getFileName().toString();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || (name.endsWith(".json") && !name.endsWith("schema.json"))) {
          String text = Files.readString(f, StandardCharsets.UTF_8);
          if (isPolicy(text)) {
            out.add(new Example(rel, text));
          }
        } else if (name.endsWith(".md")) {
          Matcher m = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(f));
          int block = 0;
          while (m.find()) {
            block++;
            if (isPolicy(m.group(1)) && !m.group(1).contains("...")) {
              out.add(new Example(rel + " yaml block " + block, m.group(1)));
            }
          }
        }
      }
    }
    return out;
  }

  private static boolean isPolicy(String text) {
    try {
      JsonNode n = YAML.readTree(text);
      return n != null && n.isObject() && n.has("version") && n.has("policies");
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void findsTheRepositorysExamplePolicies() throws IOException {
    List<String> where = new ArrayList<>();
    examples().forEach(e -> where.add(e.where()));
    assertTrue(where.contains("agentguard-examples/src/main/resources/demo/support-bot-policy.yaml"), where::toString);
    assertTrue(where.stream().anyMatch(w -> w.startsWith("docs/policy-language.md")), where::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void acceptsEveryExamplePolicyTheLibraryAccepts(Example example) {
    PolicySet.parse(example.text(), example.where()); // the library accepts it
    assertEquals(List.of(), validate(example.text()), example.where());
  }

  @Test
  void acceptsTheCanonicalJsonForm() throws IOException {
    Path demo = ROOT.resolve("agentguard-examples/src/main/resources/demo/support-bot-policy.yaml");
    assertEquals(List.of(), validate(PolicySet.load(demo).canonicalDocument()));
  }

  static List<String> invalid() {
    String rule = "  - id: r\n    effect: permit\n    tools: [\"a.b\"]\n";
    return List.of(
        "policies: []\n",                                                  // no version
        "version: 2\npolicies: []\n",                                      // wrong version
        "version: \"1\"\npolicies: []\n",                                  // version as a string
        "version: 1\n",                                                    // no policies
        "version: 1\npolicies: []\nextra: true\n",                         // unknown top-level field
        "version: 1\npolicies:\n  - id: r\n    effect: Permit\n    tools: [\"a\"]\n",      // effect case
        "version: 1\npolicies:\n  - id: r\n    effect: \"permit \"\n    tools: [\"a\"]\n", // effect padding
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n",                           // no tools
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: []\n",            // empty tools
        "version: 1\npolicies:\n  - id: \"r r\"\n    effect: permit\n    tools: [\"a\"]\n", // id characters
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a.***\"]\n",   // malformed glob
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a\"]\n    agents: []\n",
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a\"]\n    when: true\n",
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a\"]\n    expires: tomorrow\n",
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a\"]\n    colour: blue\n",
        "version: 1\npolicies:\n" + rule + "limits:\n  - id: l\n    tools: [\"a\"]\n",               // no max
        "version: 1\npolicies:\n" + rule + "limits:\n  - id: l\n    tools: [\"a\"]\n    maxCallsPerTask: 0\n",
        "version: 1\npolicies:\n" + rule + "limits:\n  - id: l\n    tools: [\"a\"]\n    maxCallsPerTask: 1.5\n",
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a\"]\n    mode: Shadow\n",   // mode case
        "version: 1\npolicies:\n  - id: r\n    effect: permit\n    tools: [\"a\"]\n    approval: yes\n",  // approval value
        "version: 1\npolicies:\n  - id: r\n    effect: forbid\n    tools: [\"a\"]\n    approval: required\n",
        "{\"version\":1,\"policies\":[{\"id\":\"r\",\"effect\":\"forbid\",\"tools\":\"a\"}]}");     // tools not a list
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejectsInvalidDocumentsAsTheLibraryDoes(String doc) {
    assertFalse(validate(doc).isEmpty(), "the schema accepted:\n" + doc);
    assertThrows(PolicyException.class, () -> PolicySet.parse(doc), "the library accepted:\n" + doc);
  }
}
