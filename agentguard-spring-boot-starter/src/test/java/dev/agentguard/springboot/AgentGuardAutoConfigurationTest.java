package dev.agentguard.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.springai.ToolCallDeniedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter in a real (small) application context, with the real Spring AI auto-configurations. */
class AgentGuardAutoConfigurationTest {
  private static final TaskSpec SUPPORT = TaskSpec.builder(AgentIdentity.of("spiffe://acme.example/agent/support-bot"))
      .onBehalfOf("user:alice").scopes("tickets.*").ttl(Duration.ofMinutes(5)).build();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AgentGuardMetricsAutoConfiguration.class,
          AgentGuardAutoConfiguration.class, AgentGuardSpringAiAutoConfiguration.class,
          AgentGuardHealthAutoConfiguration.class, ToolCallingAutoConfiguration.class,
          ChatClientAutoConfiguration.class))
      .withBean(ChatModel.class, OneToolModel::new)
      .withBean(HelpdeskTools.class, HelpdeskTools::new)
      .withPropertyValues("agentguard.policy=classpath:agentguard/test-policy.yaml");

  @TempDir
  Path dir;

  @Test
  void propertiesBindAndConfigureTheGuard() {
    runner.withPropertyValues(
        "agentguard.internal-hosts=*.acme.example,localhost",
        "agentguard.audit.file=" + dir.resolve("audit.jsonl"),
        "agentguard.audit.overflow=GAP",
        "agentguard.audit.overflow-wait=50ms",
        "agentguard.audit.queue-capacity=4096",
        "agentguard.risk.write-ahead=CRITICAL",
        "agentguard.risk.elevated=CRITICAL",
        "agentguard.task.default-ttl=2m",
        "agentguard.task.max-ttl=10m",
        "agentguard.spring-ai.denials-throw=false").run(context -> {
          assertThat(context).hasNotFailed();
          AgentGuardProperties p = context.getBean(AgentGuardProperties.class);
          assertThat(p.getInternalHosts()).containsExactly("*.acme.example", "localhost");
          assertThat(p.getAudit().getOverflow()).isEqualTo(AuditOverflow.GAP);
          assertThat(p.getAudit().getOverflowWait()).isEqualTo(Duration.ofMillis(50));
          assertThat(p.getRisk().getWriteAhead()).isEqualTo(Risk.CRITICAL);
          assertThat(p.getTask().getMaxTtl()).isEqualTo(Duration.ofMinutes(10));
          AgentGuard guard = context.getBean(AgentGuard.class);
          String expected = PolicySet.parse(new String(getClass().getResourceAsStream("/agentguard/test-policy.yaml")
              .readAllBytes(), StandardCharsets.UTF_8)).version();
          assertThat(guard.policyVersion()).contains(expected);
          try (AgentTask task = guard.startTask(TaskSpec.builder(SUPPORT.agent()).scopes("tickets.*").build())) {
            // default-ttl binds: a task that asks for no TTL gets the configured one
            assertThat(Duration.between(task.credential().issuedAt(), task.credential().expiresAt()))
                .isEqualTo(Duration.ofMinutes(2));
          }
        });
  }

  @Test
  void badPolicyFailsStartupWithFileLineAndColumn() throws Exception {
    Path policy = dir.resolve("broken-policy.yaml");
    Files.writeString(policy, "version: 1\npolicies:\n  - id: p1\n    effect: permitt\n    tools: [\"a.b\"]\n");
    runner.withPropertyValues("agentguard.policy=file:" + policy).run(context -> {
      assertThat(context).hasFailed();
      Throwable root = context.getStartupFailure();
      StringBuilder messages = new StringBuilder();
      for (Throwable t = root; t != null; t = t.getCause()) {
        messages.append(t.getMessage()).append('\n');
      }
      assertThat(messages.toString()).contains(policy.toString() + ":4:");
    });
  }

  @Test
  void missingPolicyFailsStartupWithTheFix() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AgentGuardAutoConfiguration.class))
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("agentguard.policy is not set");
        });
  }

  @Test
  void toolBeansAreGuardedForChatClientsOfTheAutoConfiguredBuilder() {
    runner.run(context -> {
      ChatClient chat = context.getBean(ChatClient.Builder.class).build();
      HelpdeskTools tools = context.getBean(HelpdeskTools.class);
      OneToolModel model = (OneToolModel) context.getBean(ChatModel.class);
      AgentGuard guard = context.getBean(AgentGuard.class);
      try (AgentTask task = guard.startTask(SUPPORT)) {
        assertThat(chat.prompt("readTicket {\"id\":\"T-1\"}").call().content()).isEqualTo("\"ticket T-1\"");
        assertThat(chat.prompt("deleteTicket {\"id\":\"T-1\"}").call().content())
            .isEqualTo(DenialText.of(DenyCode.FORBIDDEN));
        assertThat(chat.prompt("refund {\"amount\":5}").call().content())
            .isEqualTo(DenialText.of(DenyCode.OUT_OF_SCOPE));
      }
      assertThat(tools.ran).containsExactly("tickets.read");
      assertThat(model.offered.get(0)).containsExactlyInAnyOrder("readTicket", "deleteTicket");
    });
  }

  @Test
  void noTaskIsDeniedThroughTheAutoConfiguredBuilder() {
    runner.run(context -> {
      ChatClient chat = context.getBean(ChatClient.Builder.class).build();
      assertThat(chat.prompt("readTicket {\"id\":\"T-1\"}").call().content()).isEqualTo(DenialText.of(DenyCode.NO_TASK));
      assertThat(context.getBean(HelpdeskTools.class).ran).isEmpty();
    });
  }

  @Test
  void userBeansOverrideTheDefaults() {
    ChatClientBuilderCustomizer mine = builder -> { };
    runner.withBean("agentGuard", AgentGuard.class, () -> AgentGuard.builder()
            .policy(PolicySet.parse("version: 1\npolicies: []\n")).build())
        .withBean("agentGuardChatClientBuilderCustomizer", ChatClientBuilderCustomizer.class, () -> mine)
        .run(context -> {
          assertThat(context).hasSingleBean(AgentGuard.class);
          assertThat(context.getBean(AgentGuard.class).policyVersion())
              .contains(PolicySet.parse("version: 1\npolicies: []\n").version());
          assertThat(context).getBeans(ChatClientBuilderCustomizer.class).hasSize(1);
          assertThat(context.getBean(ChatClientBuilderCustomizer.class)).isSameAs(mine);
        });
  }

  @Test
  void guardClosesWithTheContextAndItsAuditFileVerifies() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    AgentGuard[] guard = new AgentGuard[1];
    String[] taskId = new String[1];
    runner.withPropertyValues("agentguard.audit.file=" + audit).run(context -> {
      guard[0] = context.getBean(AgentGuard.class);
      ChatClient chat = context.getBean(ChatClient.Builder.class).build();
      try (AgentTask task = guard[0].startTask(SUPPORT)) {
        taskId[0] = task.id();
        chat.prompt("readTicket {\"id\":\"T-1\"}").call().content();
        chat.prompt("deleteTicket {\"id\":\"T-1\"}").call().content();
      }
    });
    // the runner closed the context: the guard is closed and refuses calls, the trail is complete
    assertThat(guard[0].check(ToolRequest.builder("tickets.read").build()).allowed()).isFalse();
    VerificationReport report = AuditLog.verify(audit);
    assertThat(report.ok()).as(report.problem()).isTrue();
    List<AuditEvent> trail = AuditLog.reconstruct(audit, taskId[0]);
    assertThat(trail).extracting(AuditEvent::type).contains("task.started", "tool.decision", "task.completed");
    assertThat(trail).filteredOn(e -> "tickets.delete".equals(e.tool())).extracting(AuditEvent::code)
        .contains("FORBIDDEN");
  }

  @Test
  void resolutionFallbackIsRefused() {
    runner.withPropertyValues("spring.ai.tools.resolution.fallback.enabled=true").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("spring.ai.tools.resolution.fallback.enabled=true");
    });
  }

  @Test
  void healthIndicatorReportsTheAuditPipeline() {
    runner.run(context -> {
      AgentGuardHealthIndicator health = context.getBean(AgentGuardHealthIndicator.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsKeys("policyVersion", "auditQueued", "auditGaps");
      ConfigurableApplicationContext c = context.getSourceApplicationContext();
      c.getBean(AgentGuard.class).close();
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    });
  }

  @Test
  void decisionsAreCountedAndTimedInMicrometer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner.withBean(MeterRegistry.class, () -> registry).run(context -> {
      ChatClient chat = context.getBean(ChatClient.Builder.class).build();
      AgentGuard guard = context.getBean(AgentGuard.class);
      try (AgentTask task = guard.startTask(SUPPORT)) {
        chat.prompt("readTicket {\"id\":\"T-1\"}").call().content();
        chat.prompt("deleteTicket {\"id\":\"T-1\"}").call().content();
      }
      guard.close(); // drains the audit pipeline, so every decision reached the counter
    });
    assertThat(registry.get(DecisionCounter.NAME).tags("tool", "tickets.read", "decision", "ALLOW", "code", "none")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.get(DecisionCounter.NAME).tags("tool", "tickets.delete", "decision", "DENY", "code", "FORBIDDEN")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.get(DecisionTimer.NAME).tags("tool", "tickets.read").timer().count()).isEqualTo(1L);
  }

  @Test
  void toolBeanWithAnUnannotatedToolMethodFailsStartup() {
    runner.withBean(MixedTools.class, MixedTools::new).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("MixedTools.shell")
          .hasStackTraceContaining("has no @AgentTool");
    });
  }

  @Test
  void denialsThrowEndTheCallWhenSpringAiThrowsOnToolErrors() {
    runner.withPropertyValues("agentguard.spring-ai.denials-throw=true", "spring.ai.tools.throw-exception-on-error=true")
        .run(context -> {
          ChatClient chat = context.getBean(ChatClient.Builder.class).build();
          AgentGuard guard = context.getBean(AgentGuard.class);
          try (AgentTask task = guard.startTask(SUPPORT)) {
            assertThatThrownBy(() -> chat.prompt("deleteTicket {\"id\":\"T-1\"}").call().content())
                .hasMessage(DenialText.of(DenyCode.FORBIDDEN))
                .hasCauseInstanceOf(ToolCallDeniedException.class);
          }
          assertThat(context.getBean(HelpdeskTools.class).ran).isEmpty();
        });
  }
}
