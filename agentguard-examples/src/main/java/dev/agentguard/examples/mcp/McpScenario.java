package dev.agentguard.examples.mcp;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.VerificationReport;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starts the guarded support MCP server on a free 127.0.0.1 port, lets a scripted client (alice) and
 * an anonymous one call it, ends alice's session, then reads back and verifies the audit trail.
 */
public final class McpScenario {

  /**
   * What happened, for tests.
   *
   * @param listed the tools alice was shown
   * @param answers every answer alice and the anonymous client got, in order
   * @param executed what the tool bodies did
   * @param events the audit trail as {@code "type tool DECISION CODE"} lines
   * @param auditVerified whether {@code AuditLog.verify} accepted the trail
   */
  public record Result(List<String> listed, List<String> answers, List<String> executed, List<String> events,
      boolean auditVerified) {}

  private McpScenario() {}

  static AgentGuard guard(Path auditFile) throws java.io.IOException {
    String policy;
    try (InputStream in = McpScenario.class.getResourceAsStream("/demo/mcp-policy.yaml")) {
      policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return AgentGuard.builder().policy(PolicySet.parse(policy)).internalHosts("*.acme.example", "localhost")
        .auditSink(AuditSinks.jsonLines(auditFile)).build();
  }

  /** Runs the scenario in a fresh temporary directory and prints it. */
  public static Result run(PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("agentguard-mcp-demo");
    Path auditFile = dir.resolve("audit.jsonl");
    List<String> answers = new ArrayList<>();
    List<String> listed;
    List<String> executed;
    try (AgentGuard guard = guard(auditFile); SupportMcpServer server = SupportMcpServer.start(guard, 0)) {
      out.println("MCP server at " + server.url() + "/mcp");
      try (ScriptedMcpClient alice = new ScriptedMcpClient(server.url(), "demo-token-alice", "alice", out)) {
        listed = alice.listTools();
        answers.add(alice.call("tickets.read", Map.of("ticket", "T-1")));
        answers.add(alice.call("kb.fetch", Map.of("url", "https://kb.acme.example/printers")));
        answers.add(alice.call("tickets.comment", Map.of("ticket", "T-1", "text", "restarted the spooler")));
        answers.add(alice.call("tickets.delete", Map.of("ticket", "T-1")));
        answers.add(alice.call("kb.fetch", Map.of("url", "https://paste.example.net/upload")));
        answers.add(alice.call("billing.refund", Map.of("order", "O-17"))); // hidden, called by name anyway
        answers.add(alice.call("tickets.read", Map.of("ticket", 42)));        // fails the input schema
      }
      try (ScriptedMcpClient anonymous = new ScriptedMcpClient(server.url(), null, "anonymous", out)) {
        anonymous.listTools();
        answers.add(anonymous.call("tickets.read", Map.of("ticket", "T-1")));
      }
      executed = List.copyOf(server.executed);
    }
    List<AuditEvent> trail = AuditLog.read(auditFile);
    List<String> events = trail.stream().map(e -> (e.type() + " " + (e.tool() == null ? "" : e.tool() + " ")
        + (e.decision() == null ? "" : e.decision() + " ") + (e.code() == null ? "" : e.code())).strip())
        .collect(Collectors.toList());
    out.println("\naudit trail (" + auditFile + "):");
    events.forEach(e -> out.println("  " + e));
    VerificationReport report = AuditLog.verify(auditFile);
    out.println("AuditLog.verify: " + (report.ok() ? "OK" : "FAILED " + report.problem()) + ", "
        + report.eventsChecked() + " events");
    return new Result(listed, answers, executed, events, report.ok());
  }
}
