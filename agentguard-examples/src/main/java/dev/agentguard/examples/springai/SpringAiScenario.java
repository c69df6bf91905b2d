package dev.agentguard.examples.springai;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.examples.TaskTrail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A support assistant in a Spring Boot app: its {@code ChatClient} comes from the auto-configured
 * builder, so the AgentGuard starter has already guarded the {@code @Tool} beans. The task may read
 * and comment on tickets and post to web services, so the refund tool is never offered; the ticket
 * carries a prompt injection, the model tries to post the customer list to an outside site, is
 * refused by the no-exfiltration policy, re-plans and answers. Then the context closes (draining the
 * audit file) and the task's trail is reconstructed and verified.
 */
public final class SpringAiScenario {
  static final AgentIdentity ASSISTANT = AgentIdentity.of("spiffe://acme.example/agent/support-assistant");

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

  private SpringAiScenario() {}

  /** Runs the application and the conversation in a fresh temporary directory, printing both. */
  public static Result run(PrintStream out) throws IOException {
    Path auditFile = Files.createTempDirectory("agentguard-spring-ai-demo").resolve("audit.jsonl");
    SupportApplication.console = out;
    String answer;
    String taskId;
    ScriptedSupportModel model;
    HelpdeskTools tools;
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SupportApplication.class)
        .web(WebApplicationType.NONE)
        .properties(
            "spring.main.banner-mode=off",
            "spring.main.log-startup-info=false",
            "agentguard.policy=classpath:demo/spring-ai-policy.yaml",
            "agentguard.audit.file=" + auditFile,
            "agentguard.internal-hosts=*.acme.example")
        .run()) {
      model = app.getBean(ScriptedSupportModel.class);
      tools = app.getBean(HelpdeskTools.class);
      ChatClient chat = app.getBean(ChatClient.Builder.class).build();
      AgentGuard guard = app.getBean(AgentGuard.class);
      TaskSpec spec = TaskSpec.builder(ASSISTANT)
          .purpose("answer ticket T-1")
          .onBehalfOf("user:dana")
          .scopes("tickets.read", "tickets.comment", "http.post")
          .ttl(Duration.ofMinutes(5))
          .build();
      out.println("AgentGuard + Spring AI demo: " + ASSISTANT.id());
      out.println("task scopes " + spec.scopes() + "; billing.refund is out of scope,"
          + " http.post outside *.acme.example is forbidden");
      out.println();
      try (AgentTask task = guard.startTask(spec)) {
        taskId = task.id();
        String question = "Please handle ticket T-1.";
        out.println("  user   -> " + question);
        answer = chat.prompt(question).call().content();
        out.println("  user   <- " + answer);
      }
    }

    TaskTrail trail = TaskTrail.print(out, auditFile, taskId);
    return new Result(answer, model.offered.isEmpty() ? List.of() : model.offered.get(0),
        List.copyOf(model.toolResults), List.copyOf(tools.executed), trail.decisions(), trail.verified());
  }
}
