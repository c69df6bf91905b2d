package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * No reason or error produced by condition evaluation quotes a request value: only attribute paths,
 * type names and the policy's own literals. Every error kind of the condition language is driven
 * with a secret-looking value in the request, the agent's attributes and the task context.
 */
// docs/security-cases.md #42, #7
class NoValuesInErrorsTest {
  static final String SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
  static final String FRAGMENT = "4eC39Hq"; // any piece of it is a leak, not only the whole

  static final ToolRequest REQ = ToolRequest.builder("vault.read").risk(Risk.HIGH).sensitivity(Sensitivity.INTERNAL)
      .attribute("resource.key", SECRET)
      .attribute("resource.keys", List.of(SECRET, Double.NaN))
      .attribute("resource.nested", List.of(List.of(SECRET)))
      .attribute("resource.nan", Double.NaN)
      .attribute("resource.path", "/ws/" + SECRET + "/%zz")
      .build();
  static final AgentIdentity AGENT = AgentIdentity.of("bot", Map.of("token", SECRET));

  /** One condition per error kind of the language; each must be an ERROR for this request. */
  static final List<String> ERRORS = List.of(
      // type mismatches
      "resource.key < 5", "resource.key == 5", "5 > resource.key", "resource.key", "!resource.key",
      "resource.key.startsWith(5)", "resource.key.contains(5)", "resource.key.endsWith(1)",
      "resource.key in resource.key", "resource.key == true", "(resource.key == 'x') < 1",
      "resource.keys == resource.key", "resource.nested == [1]",
      // unknown rank names (the leak issue 11 item 8 reported)
      "tool.risk == resource.key", "resource.key >= tool.risk", "tool.sensitivity < resource.key",
      "resource.key == tool.sensitivity", "resource.key in resource.keys && tool.risk > resource.key",
      "agent.token == tool.risk", "context.token <= tool.sensitivity",
      // ordering strings, glob input that is not a string
      "resource.key < resource.key", "resource.keys.matches('*')",
      // non-finite numbers, also inside a list that holds the secret
      "resource.nan > 1", "1 in resource.keys", "resource.keys.contains(2)",
      // missing
      "resource.absent == resource.key", "agent.absent.startsWith(resource.key)",
      // a path that cannot be normalised, and a non-string path
      "resource.path.isWithin('/ws')", "resource.keys.isWithin('/ws')");

  static TestTask taskWithSecret() {
    return new TestTask("t-1", SECRET, SECRET, java.util.Set.of(SECRET), SECRET, 0, Sensitivity.PUBLIC, 0L,
        Map.of("token", SECRET));
  }

  static void assertNoSecret(String text, String where) {
    assertFalse(text.contains(FRAGMENT), () -> where + " quotes the value: " + text);
  }

  @Test
  void noForbidOrPermitErrorReasonQuotesARequestValue() {
    for (String when : ERRORS) {
      String doc = "{\"version\":1,\"policies\":[{\"id\":\"f\",\"effect\":\"forbid\",\"tools\":[\"**\"],\"when\":"
          + Eval.json(when) + "},{\"id\":\"p\",\"effect\":\"permit\",\"tools\":[\"**\"],\"when\":" + Eval.json(when)
          + "}]}";
      PolicySet set = PolicySet.parse(doc);
      Decision d = set.evaluate(AGENT, REQ, taskWithSecret(), Eval.NOW);
      assertEquals(DenyCode.EVALUATION_ERROR, d.code(), when);
      assertNoSecret(String.join("\n", d.reasons()), when);
      assertNoSecret(d.toString(), when);
      Decision permitOnly = Eval.permitWhen(when).evaluate(AGENT, REQ, taskWithSecret(), Eval.NOW);
      assertEquals(DenyCode.NO_MATCHING_PERMIT, permitOnly.code(), when);
      assertEquals(2, permitOnly.reasons().size(), when + ": " + permitOnly.reasons());
      assertNoSecret(String.join("\n", permitOnly.reasons()), when);
    }
  }

  @Test
  void anUnknownSensitivityNameIsReportedByPathAndType() {
    Decision d = Eval.permitWhen("tool.risk == resource.key").evaluate(AGENT, REQ, null, Eval.NOW);
    assertEquals("permit p could not be evaluated: resource.key is a string that is not a risk name",
        d.reasons().get(1));
  }

  @Test
  void aTaskStateThatThrowsIsAnEvaluationErrorNamingOnlyTheExceptionType() {
    TestTask base = taskWithSecret();
    dev.agentguard.TaskState hostile = (dev.agentguard.TaskState) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.agentguard.TaskState.class}, (proxy, m, args) -> {
          if (m.getName().equals("context")) {
            throw new IllegalStateException("context unavailable: " + SECRET);
          }
          return m.invoke(base, args);
        });
    ToolRequest none = ToolRequest.builder("vault.read").build();
    String doc = "{\"version\":1,\"policies\":[{\"id\":\"f\",\"effect\":\"forbid\",\"tools\":[\"**\"],"
        + "\"when\":\"context.tenant == 'acme'\"},{\"id\":\"p\",\"effect\":\"permit\",\"tools\":[\"**\"]}]}";
    Decision d = PolicySet.parse(doc).evaluate(AGENT, none, hostile, Eval.NOW);
    assertEquals(DenyCode.EVALUATION_ERROR, d.code());
    assertEquals(List.of("forbid f could not be evaluated: evaluation failed (IllegalStateException)"), d.reasons());
  }

  /** A tool whose redacted argument is compared with a risk name by a forbid. */
  public interface Vault {
    @AgentTool(value = "vault.read", risk = Risk.MEDIUM)
    String read(@Redact @Attr("resource.key") String key);
  }

  @Test
  void theGuardsExceptionAndTrailCarryNoRedactedValue() {
    String policy = String.join("\n",
        "version: 1",
        "policies:",
        "  - id: no-high-keys",
        "    effect: forbid",
        "    tools: [\"vault.read\"]",
        "    when: resource.key >= tool.risk",
        "  - id: vault",
        "    effect: permit",
        "    tools: [\"vault.read\"]",
        "");
    InMemoryAuditSink sink = AuditSinks.inMemory();
    AtomicBoolean ran = new AtomicBoolean();
    try (AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(policy)).auditSink(sink).build()) {
      Vault vault = guard.protect(Vault.class, key -> {
        ran.set(true);
        return "opened";
      });
      AccessDeniedException e;
      try (AgentTask task = guard.startTask(TaskSpec.builder(AgentIdentity.of("bot")).scopes("vault.read")
          .ttl(Duration.ofMinutes(1)).build())) {
        e = assertThrows(AccessDeniedException.class, () -> vault.read(SECRET));
      }
      assertFalse(ran.get(), "the tool body must not run");
      assertEquals(DenyCode.EVALUATION_ERROR, e.code());
      assertNoSecret(String.valueOf(e.getMessage()), "exception message");
      assertNoSecret(e.decision().toString(), "exception decision");
      guard.close();
      List<String> trail = new ArrayList<>();
      for (AuditEvent ev : sink.events()) {
        trail.add(ev.toString() + " " + ev.reasons() + " " + ev.policies() + " " + ev.attributes() + " " + ev.error());
      }
      assertTrue(trail.stream().anyMatch(s -> s.contains("no-high-keys")), "the denial is recorded");
      assertNoSecret(String.join("\n", trail), "audit trail");
    }
  }
}
