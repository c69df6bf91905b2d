package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.core.GuardedMethod;
import dev.agentguard.core.PolicySet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A redacted {@code destination.url} takes everything derived from it along: scheme, host, port and
 * {@code destination.external} never reach the trail in clear, through {@code protect} or
 * {@code guardMethod}. docs/security-cases.md #42
 */
class RedactedDerivationTest {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: partner-api",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"http.post\"]",
      "    when: destination.host == 'api.acme.example' && destination.port == 8443 && !destination.external",
      "  - id: no-evil",
      "    effect: forbid",
      "    tools: [\"http.post\"]",
      "    when: destination.host == 'evil.example'",
      "");

  static final String ALLOWED_URL = "https://api.acme.example:8443/v1/hooks?key=sk_live_1";
  static final String FORBIDDEN_URL = "https://evil.example:8443/collect?key=sk_live_2";

  interface Webhooks {
    @AgentTool(value = "http.post", action = "send", risk = Risk.LOW)
    String post(@Redact @Attr("destination.url") String url);
  }

  /** A framework-style tool object (no interface), as adapters hand to {@code guardMethod}. */
  public static class PlainWebhooks {
    @AgentTool(value = "http.post", action = "send", risk = Risk.LOW)
    public String post(@Redact @Attr("destination.url") String url) {
      return "posted";
    }
  }

  private static void assertNothingDerivedInClear(List<AuditEvent> events) throws Exception {
    List<AuditEvent> calls = events.stream()
        .filter(e -> e.type().equals(AuditEvent.TOOL_DECISION) || e.type().equals(AuditEvent.TOOL_COMPLETED))
        .collect(Collectors.toList());
    assertEquals(2, calls.size(), "the allowed call's one record (decision and outcome), the forbidden decision");
    for (AuditEvent e : calls) {
      String text = e.toString();
      for (String clear : List.of("acme.example", "evil.example", "8443", "https", "sk_live", "hooks")) {
        assertFalse(text.contains(clear), clear + " leaked: " + text);
      }
      Map<String, Object> attributes = e.attributes();
      for (String derived : List.of("destination.scheme", "destination.host", "destination.port",
          "destination.external")) {
        Object value = attributes.get(derived);
        assertFalse(value instanceof Boolean || value instanceof Long, derived + " in clear: " + value);
      }
    }
    assertEquals(ArgumentSnapshotTest.sha256(ALLOWED_URL), calls.get(0).attributes().get("destination.url"));
    assertEquals("[redacted: derived from destination.url]", calls.get(0).attributes().get("destination.host"));
    assertEquals("FORBIDDEN", calls.get(1).code());
  }

  @Test
  void theProxyPathRedactsWhatDerivesFromARedactedUrl() throws Exception {
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b)) {
      Webhooks hooks = f.guard.protect(Webhooks.class, url -> "posted");
      try (AgentTask task = f.guard.startTask(spec().scopes("http.post").build())) {
        assertEquals("posted", hooks.post(ALLOWED_URL));
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> hooks.post(FORBIDDEN_URL));
        assertEquals(DenyCode.FORBIDDEN, e.code());
        assertFalse(e.getMessage().contains("evil.example"), e.getMessage());
      }
      assertNothingDerivedInClear(f.drainedEvents());
    }
  }

  @Test
  void guardMethodRedactsWhatDerivesFromARedactedUrl() throws Throwable {
    try (GuardFixture f = new GuardFixture(PolicySet.parse(POLICY), b -> b)) {
      GuardedMethod post = f.guard.guardMethod(new PlainWebhooks(), PlainWebhooks.class.getMethod("post", String.class));
      try (AgentTask task = f.guard.startTask(spec().scopes("http.post").build())) {
        assertEquals("posted", post.invoke(ALLOWED_URL));
        assertEquals(DenyCode.FORBIDDEN, assertThrows(AccessDeniedException.class, () -> post.invoke(FORBIDDEN_URL)).code());
      }
      assertNothingDerivedInClear(f.drainedEvents());
    }
  }
}
