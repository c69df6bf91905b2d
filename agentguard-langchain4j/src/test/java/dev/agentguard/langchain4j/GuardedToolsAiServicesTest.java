package dev.agentguard.langchain4j;

import static dev.agentguard.langchain4j.LcFixture.supportTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** GuardedTools inside LangChain4j's real AiServices tool loop, driven by a scripted model. */
class GuardedToolsAiServicesTest {
  interface Assistant {
    String chat(String message);
  }

  /** A tool whose body fails. */
  public static class FailingTools {
    @dev.langchain4j.agent.tool.Tool("Refunds an order")
    @dev.agentguard.AgentTool(value = "billing.refund", action = "refund")
    public String refund(String orderId, int amountCents) {
      throw new IllegalArgumentException("amount must be positive");
    }
  }

  private static Assistant withProvider(ScriptedChatModel model, LcFixture f) {
    return AiServices.builder(Assistant.class)
        .chatModel(model)
        .toolProvider(GuardedTools.provider(f.guard, f.tools))
        .build();
  }

  private static Assistant withMap(ScriptedChatModel model, LcFixture f) {
    return AiServices.builder(Assistant.class)
        .chatModel(model)
        .tools(GuardedTools.wrap(f.guard, f.tools))
        .build();
  }

  private static List<AuditEvent> decisions(List<AuditEvent> events) {
    return events.stream().filter(e -> "tool.decision".equals(e.type())).collect(Collectors.toList());
  }

  @Test
  void allowedCallRunsAndTheModelReceivesItsResult() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}")
        .answerWithToolResults("Summary: ");
    try (LcFixture f = new LcFixture()) {
      String answer;
      String taskId;
      try (AgentTask task = f.guard.startTask(supportTask())) {
        taskId = task.id();
        answer = withProvider(model, f).chat("What is T-1 about?");
      }
      assertEquals("Summary: Ticket T-1: printer on fire, customer bob@example.com", answer);
      assertEquals(1, f.tools.calls.size());
      assertTrue(f.tools.calls.get(0).startsWith("tickets.read:T-1@"));
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals(1, decisions.size());
      assertEquals("tickets.read", decisions.get(0).tool());
      assertEquals("ALLOW", decisions.get(0).decision());
      assertEquals(taskId, decisions.get(0).task());
    }
  }

  @Test
  void offersTheModelOnlyToolsInTheTaskScopes() {
    ScriptedChatModel model = new ScriptedChatModel().answer("Hello");
    try (LcFixture f = new LcFixture()) {
      try (AgentTask task = f.guard.startTask(supportTask())) {
        withProvider(model, f).chat("Hi");
      }
      List<String> offered = model.offeredTools(0);
      assertEquals(List.of("deleteTicket", "readTicket", "sendEmail"), offered.stream().sorted().collect(Collectors.toList()));
      assertFalse(offered.contains("refund"), "billing.refund is outside the task's scopes");
      assertFalse(offered.contains("purge"), "a method without @Tool is never offered");
    }
  }

  @Test
  void offersNoToolsWhenNoTaskIsBound() {
    ScriptedChatModel model = new ScriptedChatModel().answer("Hello");
    try (LcFixture f = new LcFixture()) {
      assertEquals("Hello", withProvider(model, f).chat("Hi"));
      assertEquals(List.of(), model.offeredTools(0));
    }
  }

  @Test
  void forbiddenCallReturnsTheDenialTextAndNeverRunsTheTool() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("deleteTicket", "{\"ticketId\":\"T-1\"}")
        .answerWithToolResults("Could not: ");
    try (LcFixture f = new LcFixture()) {
      String answer;
      try (AgentTask task = f.guard.startTask(supportTask())) {
        answer = withProvider(model, f).chat("Delete T-1");
      }
      assertEquals("Could not: DENIED FORBIDDEN: a policy forbids this call", answer);
      assertEquals(List.of(), f.tools.calls, "the tool body never ran");
      ToolExecutionResultMessage result = ScriptedChatModel.toolResults(model.requests.get(1)).get(0);
      assertEquals(Boolean.TRUE, result.isError());
      assertFalse(result.text().contains("no-ticket-deletion"), "no rule ids reach the model");
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals(1, decisions.size());
      assertEquals("DENY", decisions.get(0).decision());
      assertEquals("FORBIDDEN", decisions.get(0).code());
      assertEquals("tickets.delete", decisions.get(0).tool());
    }
  }

  @Test
  void outOfScopeCallThroughTheMapFormIsDeniedAndNeverRuns() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("refund", "{\"orderId\":\"O-7\",\"amountCents\":500}")
        .answerWithToolResults("");
    try (LcFixture f = new LcFixture()) {
      String answer;
      try (AgentTask task = f.guard.startTask(supportTask())) {
        answer = withMap(model, f).chat("Refund O-7");
      }
      assertTrue(model.offeredTools(0).contains("refund"), "the map form offers every tool");
      assertEquals(GuardedTools.denialText(DenyCode.OUT_OF_SCOPE), answer);
      assertEquals("DENIED OUT_OF_SCOPE: this tool is not available to the current task", answer);
      assertEquals(List.of(), f.tools.calls);
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals("OUT_OF_SCOPE", decisions.get(0).code());
    }
  }

  @Test
  void mapFormWithoutATaskDeniesNoTask() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}")
        .answerWithToolResults("");
    try (LcFixture f = new LcFixture()) {
      assertEquals("DENIED NO_TASK: no task is running for this conversation", withMap(model, f).chat("T-1?"));
      assertEquals(List.of(), f.tools.calls);
    }
  }

  @Test
  void denialsThrowEndsTheConversationWithTheGuardsException() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("deleteTicket", "{\"ticketId\":\"T-1\"}")
        .answer("never reached");
    try (LcFixture f = new LcFixture()) {
      Assistant assistant = AiServices.builder(Assistant.class)
          .chatModel(model)
          .toolProvider(GuardedTools.builder(f.guard).tools(f.tools).denialsThrow(true).build().toolProvider())
          .toolExecutionErrorHandler(GuardedTools.rethrowDenials())
          .build();
      try (AgentTask task = f.guard.startTask(supportTask())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> assistant.chat("Delete T-1"));
        assertEquals(DenyCode.FORBIDDEN, e.code());
      }
      assertEquals(1, model.requests.size(), "the model was not asked again");
      assertEquals(List.of(), f.tools.calls);
      assertEquals("FORBIDDEN", decisions(f.drainedEvents()).get(0).code());
    }
  }

  @Test
  void rethrowDenialsStillReturnsOtherToolErrorsToTheModel() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("refund", "{\"orderId\":\"O-7\",\"amountCents\":-1}")
        .answerWithToolResults("");
    try (LcFixture f = new LcFixture()) {
      Object failing = new FailingTools();
      Assistant assistant = AiServices.builder(Assistant.class)
          .chatModel(model)
          .tools(GuardedTools.wrap(f.guard, failing))
          .toolExecutionErrorHandler(GuardedTools.rethrowDenials())
          .build();
      try (AgentTask task = f.guard.startTask(LcFixture.task("billing.refund"))) {
        assertEquals("amount must be positive", assistant.chat("Refund"));
      }
    }
  }

  @Test
  void concurrentToolsThroughTheProviderRunUnderTheCallersTask() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}", "readTicket", "{\"ticketId\":\"T-2\"}",
            "sendEmail", "{\"to\":\"bob@example.com\",\"body\":\"hi\"}", "deleteTicket", "{\"ticketId\":\"T-3\"}")
        .answerWithToolResults("");
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "lc4j-tools"));
    try (LcFixture f = new LcFixture()) {
      Assistant assistant = AiServices.builder(Assistant.class)
          .chatModel(model)
          .toolProvider(GuardedTools.provider(f.guard, f.tools))
          .executeToolsConcurrently(pool)
          .build();
      String answer;
      String taskId;
      try (AgentTask task = f.guard.startTask(supportTask())) {
        taskId = task.id();
        answer = assistant.chat("Handle T-1 and T-2");
      }
      assertEquals(List.of("Ticket T-1: printer on fire, customer bob@example.com",
          "Ticket T-2: printer on fire, customer bob@example.com", "sent",
          "DENIED FORBIDDEN: a policy forbids this call"), List.of(answer.split(" \\| ")));
      assertEquals(3, f.tools.calls.size());
      assertTrue(f.tools.calls.stream().allMatch(c -> c.endsWith("@lc4j-tools")), f.tools.calls::toString);
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals(4, decisions.size());
      assertTrue(decisions.stream().allMatch(d -> taskId.equals(d.task())));
      assertEquals(3, decisions.stream().filter(d -> "ALLOW".equals(d.decision())).count());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentToolsOnLangChain4jsDefaultPoolKeepTheTask() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}", "readTicket", "{\"ticketId\":\"T-2\"}")
        .answerWithToolResults("");
    try (LcFixture f = new LcFixture()) {
      Assistant assistant = AiServices.builder(Assistant.class)
          .chatModel(model)
          .toolProvider(GuardedTools.provider(f.guard, f.tools))
          .executeToolsConcurrently()
          .build();
      try (AgentTask task = f.guard.startTask(supportTask())) {
        assertEquals("Ticket T-1: printer on fire, customer bob@example.com | "
            + "Ticket T-2: printer on fire, customer bob@example.com", assistant.chat("T-1 and T-2"));
      }
      String caller = Thread.currentThread().getName();
      assertEquals(2, f.tools.calls.size());
      assertTrue(f.tools.calls.stream().noneMatch(c -> c.endsWith("@" + caller)), f.tools.calls::toString);
    }
  }

  @Test
  void concurrentToolsThroughTheMapFormNeedTheTaskPropagatingExecutor() {
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "lc4j-tools"));
    try (LcFixture f = new LcFixture()) {
      ScriptedChatModel plain = new ScriptedChatModel()
          .callTools("readTicket", "{\"ticketId\":\"T-1\"}", "readTicket", "{\"ticketId\":\"T-2\"}")
          .answerWithToolResults("");
      Assistant withoutPropagation = AiServices.builder(Assistant.class)
          .chatModel(plain)
          .tools(GuardedTools.wrap(f.guard, f.tools))
          .executeToolsConcurrently(pool)
          .build();
      ScriptedChatModel propagated = new ScriptedChatModel()
          .callTools("readTicket", "{\"ticketId\":\"T-1\"}", "readTicket", "{\"ticketId\":\"T-2\"}")
          .answerWithToolResults("");
      Assistant withPropagation = AiServices.builder(Assistant.class)
          .chatModel(propagated)
          .tools(GuardedTools.wrap(f.guard, f.tools))
          .executeToolsConcurrently(GuardedTools.propagateTask(f.guard, pool))
          .build();
      try (AgentTask task = f.guard.startTask(supportTask())) {
        String denied = GuardedTools.denialText(DenyCode.NO_TASK);
        assertEquals(denied + " | " + denied, withoutPropagation.chat("T-1 and T-2"),
            "pool threads carry no task: fail closed");
        assertEquals(List.of(), f.tools.calls);
        assertEquals("Ticket T-1: printer on fire, customer bob@example.com | "
            + "Ticket T-2: printer on fire, customer bob@example.com", withPropagation.chat("T-1 and T-2"));
      }
      assertEquals(2, f.tools.calls.size());
      assertNotEquals(Thread.currentThread().getName(), f.tools.calls.get(0).split("@")[1]);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClosedTaskLeavesNoToolsBehind() {
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}")
        .answerWithToolResults("");
    try (LcFixture f = new LcFixture()) {
      Assistant assistant = withProvider(model, f);
      try (AgentTask task = f.guard.startTask(supportTask())) {
        assistant.chat("T-1?");
      }
      ScriptedChatModel after = new ScriptedChatModel().answer("no tools");
      assertEquals("no tools", withProvider(after, f).chat("T-1?"));
      assertEquals(List.of(), after.offeredTools(0), "a closed task leaves no tools behind");
    }
  }

  @Test
  void theMapFormOnLangChain4jsDefaultPoolFailsClosedAndNamesTheFix() throws Exception { // docs/security-cases.md #51
    ScriptedChatModel model = new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}", "deleteTicket", "{\"ticketId\":\"T-2\"}")
        .answerWithToolResults("");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.err;
    try (LcFixture f = new LcFixture()) {
      Assistant assistant = AiServices.builder(Assistant.class)
          .chatModel(model)
          .tools(GuardedTools.wrap(f.guard, f.tools))
          .executeToolsConcurrently()
          .build();
      String answer;
      System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      try (AgentTask task = f.guard.startTask(supportTask())) {
        answer = assistant.chat("T-1 and T-2");
      } finally {
        System.setErr(before);
      }
      String denied = GuardedTools.denialText(DenyCode.NO_TASK);
      assertEquals(denied + " | " + denied, answer, "LangChain4j's pool threads carry no task: fail closed");
      assertEquals(List.of(), f.tools.calls, "nothing ran unguarded on a framework thread");
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals(List.of("NO_TASK", "NO_TASK"), decisions.stream().map(AuditEvent::code).sorted()
          .collect(Collectors.toList()));
      String log = err.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(log.contains("GuardedTools.provider(guard, tools)") && log.contains("GuardedTools.propagateTask"),
          log);
      assertEquals(log.indexOf("Logged once"), log.lastIndexOf("Logged once"), "one hint, not one per call");
    }
  }

  private static final String BOTH_TICKETS = "Ticket T-1: printer on fire, customer bob@example.com | "
      + "Ticket T-2: printer on fire, customer bob@example.com";

  private static ScriptedChatModel twoReadsAtOnce() {
    return new ScriptedChatModel()
        .callTools("readTicket", "{\"ticketId\":\"T-1\"}", "readTicket", "{\"ticketId\":\"T-2\"}")
        .answerWithToolResults("");
  }

  private static Assistant withMapBoundTo(AgentTask task, ScriptedChatModel model, LcFixture f) {
    return AiServices.builder(Assistant.class)
        .chatModel(model)
        .tools(GuardedTools.builder(f.guard).tools(f.tools).build().toolExecutors(task))
        .executeToolsConcurrently()
        .build();
  }

  @Test
  void aMapBoundToAnOpenedTaskRunsConcurrentToolsOnLangChain4jsDefaultPool() {
    // docs/security-cases.md #94
    try (LcFixture f = new LcFixture()) {
      ScriptedChatModel model = twoReadsAtOnce();
      String taskId;
      try (AgentTask conversation = f.guard.openTask(supportTask())) {
        taskId = conversation.id();
        Assistant assistant = withMapBoundTo(conversation, model, f);
        assertTrue(f.guard.currentTask().isEmpty(), "the calling thread has no task at all");
        assertEquals(BOTH_TICKETS, assistant.chat("T-1 and T-2"));
      }
      String caller = Thread.currentThread().getName();
      assertEquals(2, f.tools.calls.size());
      assertTrue(f.tools.calls.stream().noneMatch(c -> c.endsWith("@" + caller)), f.tools.calls::toString);
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals(2, decisions.size());
      assertTrue(decisions.stream().allMatch(d -> taskId.equals(d.task()) && "ALLOW".equals(d.decision())));
    }
  }

  @Test
  void aMapBoundToATaskOffersItsScopesAndDecidesAsItNotAsTheThreadsTask() { // docs/security-cases.md #23
    try (LcFixture f = new LcFixture()) {
      AgentTask readsOnly = f.guard.openTask(LcFixture.task("tickets.read"));
      GuardedTools guarded = GuardedTools.builder(f.guard).tools(f.tools).build();
      assertEquals(List.of("readTicket"), guarded.toolExecutors(readsOnly).keySet().stream()
          .map(s -> s.name()).collect(Collectors.toList()));
      ScriptedChatModel model = new ScriptedChatModel()
          .callTools("readTicket", "{\"ticketId\":\"T-1\"}")
          .answerWithToolResults("");
      try (AgentTask wide = f.guard.startTask(supportTask())) {
        withMapBoundTo(readsOnly, model, f).chat("T-1");
        assertEquals(List.of("readTicket"), model.offeredTools(0));
        List<AuditEvent> decisions = decisions(f.drainedEvents());
        assertEquals(1, decisions.size());
        assertEquals(readsOnly.id(), decisions.get(0).task(), "decided under the thread's task instead");
        assertNotEquals(wide.id(), decisions.get(0).task());
      }
    }
  }

  @Test
  void aMapBoundToATaskThatClosedDeniesNoTaskAndNeverBorrowsTheThreadsTask() { // docs/security-cases.md #23, #51
    // docs/security-cases.md #94
    try (LcFixture f = new LcFixture()) {
      AgentTask conversation = f.guard.openTask(supportTask());
      Assistant assistant = withMapBoundTo(conversation, twoReadsAtOnce(), f);
      conversation.close();
      String denied = GuardedTools.denialText(DenyCode.NO_TASK);
      try (AgentTask other = f.guard.startTask(supportTask())) {
        assertEquals(denied + " | " + denied, assistant.chat("T-1 and T-2"));
      }
      assertEquals(List.of(), f.tools.calls, "a tool ran under a closed task");
      assertTrue(GuardedTools.builder(f.guard).tools(f.tools).build().toolExecutors(conversation).isEmpty(),
          "a closed task is offered no tools");
      List<AuditEvent> decisions = decisions(f.drainedEvents());
      assertEquals(List.of("NO_TASK", "NO_TASK"), decisions.stream().map(AuditEvent::code).collect(Collectors.toList()));
    }
  }
}
