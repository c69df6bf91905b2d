package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.policy.DocumentReader;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** docs/security-cases.md #4: random bytes and token streams give a PolicyException or a valid policy, nothing else. */
class HostileInputPropertiesTest {

  static void parseOrPolicyException(String doc) {
    try {
      PolicySet set = PolicySet.parse(doc);
      assertNotNull(set.version());
    } catch (PolicyException e) {
      assertNotNull(e.getMessage());
    }
  }

  @Property(tries = 500)
  void randomStrings(@ForAll String doc) {
    parseOrPolicyException(doc);
  }

  @Property(tries = 300)
  void randomBytesDecodedStrictly(@ForAll byte[] bytes) {
    try {
      parseOrPolicyException(DocumentReader.decode(bytes, "<bytes>"));
    } catch (PolicyException e) {
      assertNotNull(e.getMessage());
    }
  }

  static final List<String> DOC_TOKENS = List.of("{", "}", "[", "]", ":", ": ", ",", "- ", "\n", "  ", "    ", "\t",
      "version", "policies", "limits", "id", "effect", "permit", "forbid", "tools", "agents", "when", "expires",
      "maxCallsPerTask", "1", "-1", "1.5", "1e999", "99999999999999999999", "0x10", "\"", "'", "\"a\"", "'b'",
      "&a ", "*a", "!!str ", "!x ", "|", ">", "---", "...", "#", "? ", "%YAML 1.2", "~", "null", "true", "no", "on",
      "t.*", "a***", "2027-01-31T00:00:00Z", "\\", "\u0000", "\uFEFF", "\u2028", "\ud800");

  static final List<String> EXPR_TOKENS = List.of("(", ")", "!", "&&", "||", "==", "!=", "<", "<=", ">", ">=",
      " in ", "[", "]", ",", ".", "'x'", "\"y\"", "'internal'", "'secret'", "1", "-5", "1.5e3", "true", "false",
      "tool.name", "tool.risk", "resource.sensitivity", "resource.id", "context.e", "task.calls", "time.hour",
      "agent.id", "foo.bar", "startsWith(", "contains(", "matches(", "'*.x'", "'a***'", "\\", "'", "\"", " ", "=",
      "&", "|", "#", "99999999999999999999", "1e999", "\u0000", "in");

  @Provide
  Arbitrary<String> docTokens() {
    return Arbitraries.of(DOC_TOKENS).list().ofMaxSize(60).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> exprTokens() {
    return Arbitraries.of(EXPR_TOKENS).list().ofMinSize(1).ofMaxSize(30).map(l -> String.join("", l));
  }

  @Property(tries = 800)
  void randomDocumentTokenStreams(@ForAll("docTokens") String doc) {
    parseOrPolicyException(doc);
    parseOrPolicyException("version: 1\npolicies:\n" + doc);
    parseOrPolicyException("{\"version\":1,\"policies\":[" + doc);
  }

  @Property(tries = 1500)
  void randomConditionTokenStreams(@ForAll("exprTokens") String when) {
    try {
      PolicySet set = Eval.permitWhen(when);
      // whatever compiled must evaluate without throwing
      set.evaluate(Eval.AGENT, dev.agentguard.ToolRequest.builder("x").attribute("resource.id", "x && true").build(),
          TestTask.basic(), Eval.NOW);
    } catch (PolicyException e) {
      assertNotNull(e.getMessage());
    }
  }
}
