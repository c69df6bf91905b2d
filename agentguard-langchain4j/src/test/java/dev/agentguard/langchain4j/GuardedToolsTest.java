package dev.agentguard.langchain4j;

import static dev.agentguard.langchain4j.LcFixture.supportTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardedToolsTest {
  /** A LangChain4j tool that forgot its AgentGuard declaration. */
  public static class Undeclared {
    @Tool("Wipes the disk")
    public String wipe() {
      return "wiped";
    }
  }

  public static class NoTools {
    @AgentTool("tickets.read")
    public String read() {
      return "";
    }
  }

  public static class SameName {
    @Tool(name = "readTicket", value = "Reads a ticket, again")
    @AgentTool(value = "tickets.read", risk = Risk.LOW)
    public String read(String ticketId) {
      return "";
    }
  }

  public static class StaticTool {
    @Tool("static")
    @AgentTool("tickets.read")
    public static String read() {
      return "";
    }
  }

  public static class SubTools extends SupportTools {
    @Override
    @Tool("Reads a support ticket by its id, in the subclass")
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    public String readTicket(String ticketId) {
      return "sub " + ticketId;
    }
  }

  private static ToolExecutionRequest call(String name, String arguments) {
    return ToolExecutionRequest.builder().id("1").name(name).arguments(arguments).build();
  }

  private static ToolExecutor executor(Map<ToolSpecification, ToolExecutor> tools, String name) {
    return tools.entrySet().stream().filter(e -> e.getKey().name().equals(name)).findFirst().orElseThrow().getValue();
  }

  private static ToolProviderResult provide(ToolProvider provider) {
    return provider.provideTools(new ToolProviderRequest("memory", UserMessage.from("hi")));
  }

  @Test
  void refusesAToolWithoutAgentTool() {
    try (LcFixture f = new LcFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GuardedTools.wrap(f.guard, f.tools, new Undeclared()));
      assertTrue(e.getMessage().contains("Undeclared.wipe()"), e.getMessage());
      assertTrue(e.getMessage().contains("has no @AgentTool"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> GuardedTools.provider(f.guard, new Undeclared()));
    }
  }

  @Test
  void refusesMisusedToolObjects() {
    try (LcFixture f = new LcFixture()) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> GuardedTools.wrap(f.guard, new NoTools()))
          .getMessage().contains("has no @Tool method"));
      assertTrue(assertThrows(IllegalArgumentException.class, () -> GuardedTools.wrap(f.guard, f.tools, new SameName()))
          .getMessage().contains("'readTicket'"));
      assertTrue(assertThrows(IllegalArgumentException.class, () -> GuardedTools.wrap(f.guard, new StaticTool()))
          .getMessage().contains("static"));
      assertThrows(IllegalArgumentException.class, () -> GuardedTools.wrap(f.guard, SupportTools.class));
      assertThrows(IllegalArgumentException.class, () -> GuardedTools.wrap(f.guard, List.of(f.tools)));
      assertThrows(NullPointerException.class, () -> GuardedTools.wrap(f.guard, (Object) null));
      assertThrows(IllegalStateException.class, () -> GuardedTools.builder(f.guard).build());
      assertThrows(IllegalStateException.class, () -> GuardedTools.builder(f.guard).denialsThrow(true).denialsThrow(false));
    }
  }

  @Test
  void anOverridingToolHidesTheOneItOverrides() throws Exception {
    try (LcFixture f = new LcFixture()) {
      SubTools sub = new SubTools();
      Map<ToolSpecification, ToolExecutor> tools = GuardedTools.wrap(f.guard, sub);
      assertEquals(4, tools.size());
      try (AgentTask task = f.guard.startTask(supportTask())) {
        assertEquals("sub T-1", executor(tools, "readTicket").execute(call("readTicket", "{\"ticketId\":\"T-1\"}"), null));
      }
    }
  }

  @Test
  void denialTextIsOneSafeLinePerCode() {
    java.util.Set<String> reasons = new java.util.HashSet<>();
    for (DenyCode code : DenyCode.values()) {
      String text = GuardedTools.denialText(code);
      assertEquals(dev.agentguard.core.DenialText.of(code), text, "the adapter uses core's words for " + code);
      assertTrue(reasons.add(text.substring(text.indexOf(": ") + 2)), "a code with no words of its own: " + code);
      assertTrue(text.startsWith("DENIED " + code.name() + ": "), text);
      assertFalse(text.contains("\n"), text);
      assertTrue(text.length() < 100, text);
    }
    assertEquals("DENIED OUT_OF_SCOPE: this tool is not available to the current task",
        GuardedTools.denialText(DenyCode.OUT_OF_SCOPE));
  }

  @Test
  void providerOffersOnlyInScopeToolsAndBindsThemToTheTaskOfTheRequest() throws Exception {
    try (LcFixture f = new LcFixture()) {
      GuardedTools tools = GuardedTools.builder(f.guard).tools(f.tools).build();
      assertEquals(0, provide(tools.toolProvider()).aiServiceTools().size(), "no task, no tools");
      ToolExecutor captured;
      try (AgentTask first = f.guard.startTask(supportTask())) {
        ToolProviderResult result = provide(tools.toolProvider());
        List<String> names = result.aiServiceTools().stream().map(AiServiceTool::name).sorted().collect(Collectors.toList());
        assertEquals(List.of("deleteTicket", "readTicket", "sendEmail"), names);
        assertEquals(names, tools.toolSpecificationsInScope(first).stream().map(ToolSpecification::name).sorted()
            .collect(Collectors.toList()));
        captured = result.aiServiceTools().stream().filter(t -> t.name().equals("readTicket")).findFirst()
            .orElseThrow().toolExecutor();
        assertTrue(captured.execute(call("readTicket", "{\"ticketId\":\"T-1\"}"), null).startsWith("Ticket T-1"));
      }
      try (AgentTask second = f.guard.startTask(LcFixture.task("tickets.*"))) {
        assertEquals(GuardedTools.denialText(DenyCode.NO_TASK),
            captured.execute(call("readTicket", "{\"ticketId\":\"T-2\"}"), null),
            "an executor provided for a closed task never borrows the thread's next task");
      }
      assertEquals(1, f.tools.calls.size());
    }
  }

  @Test
  void executorReportsDenialsAsErrorsOrThrowsWhenAskedTo() {
    try (LcFixture f = new LcFixture()) {
      Map<ToolSpecification, ToolExecutor> soft = GuardedTools.wrap(f.guard, f.tools);
      Map<ToolSpecification, ToolExecutor> hard = GuardedTools.builder(f.guard).tools(f.tools).denialsThrow(true).build()
          .toolExecutors();
      try (AgentTask task = f.guard.startTask(supportTask())) {
        ToolExecutionResult result = executor(soft, "deleteTicket")
            .executeWithContext(call("deleteTicket", "{\"ticketId\":\"T-1\"}"), InvocationContext.builder().build());
        assertTrue(result.isError());
        assertEquals("DENIED FORBIDDEN: a policy forbids this call", result.resultText());
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> executor(hard, "refund")
            .execute(call("refund", "{\"orderId\":\"O-1\",\"amountCents\":1}"), null));
        assertEquals(DenyCode.OUT_OF_SCOPE, e.code());
      }
      assertEquals(List.of(), f.tools.calls);
    }
  }

  @Test
  void badArgumentsAndFailingBodiesSurfaceAsLangChain4jExceptions() {
    try (LcFixture f = new LcFixture()) {
      Map<ToolSpecification, ToolExecutor> tools = GuardedTools.wrap(f.guard, f.tools, new GuardedToolsAiServicesTest.FailingTools() {
        @Override
        @Tool(name = "failingRefund", value = "Refunds, and fails")
        @AgentTool(value = "billing.refund", action = "refund")
        public String refund(String orderId, int amountCents) {
          return super.refund(orderId, amountCents);
        }
      });
      try (AgentTask task = f.guard.startTask(LcFixture.task("billing.refund"))) {
        assertThrows(ToolArgumentsException.class,
            () -> executor(tools, "failingRefund").execute(call("failingRefund", "{\"orderId\":\"O-1\",\"amountCents\":1.5}"), null));
        ToolExecutionException e = assertThrows(ToolExecutionException.class,
            () -> executor(tools, "failingRefund").execute(call("failingRefund", "{\"orderId\":\"O-1\",\"amountCents\":1}"), null));
        assertEquals("amount must be positive", e.getCause().getMessage());
      }
    }
  }

  @Test
  void redactedArgumentsNeverReachTheAuditTrail() {
    try (LcFixture f = new LcFixture()) {
      Map<ToolSpecification, ToolExecutor> tools = GuardedTools.wrap(f.guard, f.tools);
      try (AgentTask task = f.guard.startTask(supportTask())) {
        assertEquals("sent", executor(tools, "sendEmail")
            .execute(call("sendEmail", "{\"to\":\"bob@example.com\",\"body\":\"your PIN is 4711-secret\"}"), null));
      }
      List<AuditEvent> events = f.drainedEvents();
      AuditEvent decision = events.stream().filter(e -> "tool.decision".equals(e.type())).findFirst().orElseThrow();
      assertEquals("bob@example.com", decision.attributes().get("resource.recipient"));
      assertTrue(events.stream().noneMatch(e -> e.toString().contains("4711-secret")));
    }
  }

  @Test
  void theAuditFileReconstructsTheConversationsToolDecisions(@TempDir Path dir) throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}")
        .callTools("deleteTicket", "{\"ticketId\":\"T-1\"}")
        .callTools("sendEmail", "{\"to\":\"bob@example.com\",\"body\":\"zq-body-secret\"}")
        .answer("Done: read T-1, could not delete it, told the customer.");
    String taskId;
    SupportTools impl = new SupportTools();
    try (AgentGuard guard = AgentGuard.builder()
        .policy(PolicySet.parse(LcFixture.POLICY))
        .clock(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))
        .auditSink(AuditSinks.jsonLines(audit))
        .build()) {
      GuardedToolsAiServicesTest.Assistant assistant = dev.langchain4j.service.AiServices
          .builder(GuardedToolsAiServicesTest.Assistant.class)
          .chatModel(model)
          .toolProvider(GuardedTools.provider(guard, impl))
          .build();
      try (AgentTask task = guard.startTask(supportTask())) {
        taskId = task.id();
        assertEquals("Done: read T-1, could not delete it, told the customer.", assistant.chat("Handle T-1"));
      }
    }
    assertTrue(Files.size(audit) > 0);
    assertTrue(AuditLog.verify(audit).ok());
    List<AuditEvent> trail = AuditLog.reconstruct(audit, taskId);
    List<String> decisions = trail.stream()
        .filter(e -> "tool.decision".equals(e.type()))
        .map(e -> e.tool() + " " + e.decision() + (e.code() == null ? "" : " " + e.code()))
        .collect(Collectors.toList());
    assertEquals(List.of("tickets.read ALLOW", "tickets.delete DENY FORBIDDEN", "email.send ALLOW"), decisions);
    assertEquals("task.started", trail.get(0).type());
    assertEquals("task.completed", trail.get(trail.size() - 1).type());
    assertTrue(Files.readString(audit).contains("tickets.delete"));
    assertFalse(Files.readString(audit).contains("zq-body-secret"), "the redacted e-mail body is not in the file");
  }
}
