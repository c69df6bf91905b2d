package dev.agentguard.examples.langchain4j;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.agentguard.examples.TaskTrail;
import dev.agentguard.langchain4j.GuardedTools;
import dev.langchain4j.service.AiServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A support assistant built with LangChain4j's {@code AiServices}, its tools run through
 * {@link GuardedTools}: the task may read and comment on tickets, so the refund tool is never offered
 * to the model; the model tries to delete a ticket, is refused by policy, re-plans, and answers.
 * Then the task's audit trail is reconstructed and verified.
 */
public final class LangChain4jScenario {
  static final AgentIdentity ASSISTANT = AgentIdentity.of("spiffe://acme.example/agent/support-assistant");

  /** The AI service: one method, the user's message in, the assistant's answer out. */
  interface SupportAssistant {
    String chat(String userMessage);
  }

  /**
   * What happened, for tests.
   *
   * @param answer the assistant's final answer
   * @param offeredTools the tools the model was offered on its first request
   * @param toolResults every tool result the model received
   * @param executed what the tool bodies did
   * @param decisions the task's tool decisions from the audit file, as {@code "tool DECISION [CODE]"}
   * @param auditVerified whether {@code AuditLog.verify} accepted the audit file
   */
  public record Result(String answer, List<String> offeredTools, List<String> toolResults, List<String> executed,
      List<String> decisions, boolean auditVerified) {}

  private LangChain4jScenario() {}

  /** Runs the conversation in a fresh temporary directory and prints it. */
  public static Result run(PrintStream out) throws IOException {
    Path dir = Files.createTempDirectory("agentguard-lc4j-demo");
    Path auditFile = dir.resolve("audit.jsonl");
    String policyText;
    try (InputStream in = LangChain4jScenario.class.getResourceAsStream("/demo/langchain4j-policy.yaml")) {
      policyText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    HelpdeskTools tools = new HelpdeskTools();
    ScriptedSupportModel model = new ScriptedSupportModel(out);
    String answer;
    String taskId;
    try (AgentGuard guard = AgentGuard.builder()
        .policy(PolicySet.parse(policyText, "langchain4j-policy.yaml"))
        .auditSink(AuditSinks.jsonLines(auditFile))
        .build()) {
      // The integration: the guarded tools go to AiServices as a ToolProvider.
      SupportAssistant assistant = AiServices.builder(SupportAssistant.class)
          .chatModel(model)
          .toolProvider(GuardedTools.provider(guard, tools))
          .build();

      TaskSpec spec = TaskSpec.builder(ASSISTANT)
          .purpose("answer ticket T-1")
          .onBehalfOf("user:dana")
          .scopes("tickets.read", "tickets.comment", "tickets.delete")
          .ttl(Duration.ofMinutes(5))
          .build();
      out.println("AgentGuard + LangChain4j demo: " + ASSISTANT.id());
      out.println("task scopes " + spec.scopes() + "; billing.refund is out of scope, tickets.delete is forbidden");
      out.println();
      try (AgentTask task = guard.startTask(spec)) {
        taskId = task.id();
        String question = "Please handle ticket T-1.";
        out.println("  user   -> " + question);
        answer = assistant.chat(question);
        out.println("  user   <- " + answer);
      }
    }

    TaskTrail trail = TaskTrail.print(out, auditFile, taskId);
    return new Result(answer, model.offered.isEmpty() ? List.of() : model.offered.get(0),
        List.copyOf(model.toolResults), List.copyOf(tools.executed), trail.decisions(), trail.verified());
  }
}
