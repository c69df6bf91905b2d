package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditShadowCommandTest {
  @TempDir
  Path dir;

  private Path trailWithOneDisagreement() {
    Path file = dir.resolve("audit.jsonl");
    PolicySet candidate = PolicySet.parse(Trails.POLICY + String.join("\n",
        "  - id: no-mail",
        "    effect: forbid",
        "    tools: [\"email.send\"]",
        ""));
    try (AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(Trails.POLICY)).shadowPolicy(candidate)
        .auditSink(AuditSinks.jsonLines(file)).build()) {
      ShopTools tools = guard.protect(ShopTools.class, new ShopTools.Impl());
      try (AgentTask t = guard.startTask(TaskSpec.builder(AgentIdentity.of(Trails.CLERK))
          .scopes("orders.*", "email.send").build())) {
        tools.read("O-1");
        tools.send("smtp://relay.shop.test", "hello");
      }
    }
    return file;
  }

  @Test
  void listsTheCallsTheShadowSetDecidedDifferently() {
    Path file = trailWithOneDisagreement();
    Cli.Result r = Cli.run("audit", "shadow", "--json", file);
    assertEquals(Main.OK, r.code(), r::toString);
    JsonNode doc = r.json();
    assertEquals(1, doc.get("disagreements").asInt(), doc::toString);
    JsonNode call = doc.get("calls").get(0);
    assertEquals("email.send", call.get("tool").asText());
    assertEquals("ALLOW", call.get("decision").asText());
    assertEquals("DENY", call.get("shadowDecision").asText());
    assertEquals("FORBIDDEN", call.get("shadowCode").asText());
    assertEquals("no-mail", call.get("shadowPolicies").get(0).asText());

    Cli.Result text = Cli.run("audit", "shadow", file);
    assertTrue(text.out().contains("calls the shadow policy set decided differently: 1"), text::toString);
    assertTrue(text.out().contains("live ALLOW by clerk-tools, shadow DENY FORBIDDEN by no-mail"), text::toString);
    assertEquals(Main.BAD, Cli.run("audit", "shadow", "--fail-on-disagreement", file).code());
  }

  @Test
  void aTrailWithoutShadowResultsHasNoDisagreements() throws Exception {
    Trails.Written w = Trails.write(dir, "note", 0);
    Cli.Result r = Cli.run("audit", "shadow", "--fail-on-disagreement", w.file());
    assertEquals(Main.OK, r.code(), r::toString);
    assertTrue(r.out().contains("decided differently: 0"), r::toString);
  }
}
