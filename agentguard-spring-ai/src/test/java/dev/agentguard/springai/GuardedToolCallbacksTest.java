package dev.agentguard.springai;

import static dev.agentguard.springai.ScriptedChatModel.answerWithLastResult;
import static dev.agentguard.springai.ScriptedChatModel.callTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.DenialText;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.resolution.StaticToolCallbackResolver;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.DefaultToolExecutionExceptionProcessor;
import org.springframework.ai.tool.execution.ToolExecutionException;

/** Building guarded callbacks, wrapping existing ones, denials that throw, unguarded tools. */
class GuardedToolCallbacksTest {
  private final SpringAiFixture f = new SpringAiFixture();

  @AfterEach
  void closeGuard() {
    f.close();
  }

  private ToolCallback readTicket() {
    return Arrays.stream(GuardedToolCallbacks.from(f.guard, f.tools))
        .filter(cb -> cb.getToolDefinition().name().equals("readTicket")).findFirst().orElseThrow();
  }

  @Test
  void toolWithoutAgentToolIsRefusedAtWrapTime() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GuardedToolCallbacks.from(f.guard, new PlainTools()));
    assertTrue(e.getMessage().contains("has no @AgentTool"), e.getMessage());
    assertTrue(e.getMessage().contains("PlainTools.lookup"), e.getMessage());
  }

  @Test
  void objectWithoutToolMethodsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> GuardedToolCallbacks.from(f.guard, new Object()));
  }

  @Test
  void unannotatedToolWithAnExplicitDefaultIsGuardedUnderItsSpringAiName() {
    PlainTools plain = new PlainTools();
    ToolCallbackProvider tools = GuardedToolCallbacks.builder(f.guard).tools(plain).unannotatedTools(Risk.HIGH).build();
    ChatClient chat = ChatClient.builder(f.model).defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultTools(tools).build();
    f.model.script("look", callTool("lookup", "{\"key\":\"k\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.task("lookup"))) {
      // in scope, but no policy permits "lookup"
      assertEquals("final: " + DenialText.of(DenyCode.NO_MATCHING_PERMIT), chat.prompt("look").call().content());
    }
    assertEquals(0, plain.runs.get());
    f.drainedEvents();
    assertEquals("NO_MATCHING_PERMIT", f.decisions("lookup").get(0).code());
  }

  @Test
  void unguardedToolInTheRequestIsRefusedBeforeTheModelIsCalled() {
    PlainTools plain = new PlainTools();
    ChatClient chat = f.chatClient();
    f.model.script("look", callTool("lookup", "{\"key\":\"k\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> chat.prompt("look").tools(plain).call().content());
      assertTrue(e.getMessage().contains("'lookup'") && e.getMessage().contains("not guarded"), e.getMessage());
    }
    assertTrue(f.model.offered().isEmpty(), "the model was called");
    assertEquals(0, plain.runs.get());
  }

  @Test
  void unguardedToolsPassOnlyWhenAllowedExplicitly() {
    PlainTools plain = new PlainTools();
    ChatClient chat = ChatClient.builder(f.model)
        .defaultAdvisors(AgentGuardAdvisors.builder(f.guard).allowUnguardedTools(true).build()).build();
    f.model.script("look", callTool("lookup", "{\"key\":\"k\"}"), answerWithLastResult());
    assertEquals("final: \"value of k\"", chat.prompt("look").tools(plain).call().content());
    assertEquals(1, plain.runs.get());
  }

  @Test
  void deniedCallThrowsWhenAskedAndTheDefaultProcessorGivesTheModelOnlyTheSafeText() {
    ChatClient chat = ChatClient.builder(f.model).defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultTools(GuardedToolCallbacks.builder(f.guard).tools(f.tools).denialsThrow(true).build()).build();
    f.model.script("delete", callTool("deleteTicket", "{\"ticketId\":\"T-1\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      assertEquals("final: " + DenialText.of(DenyCode.FORBIDDEN), chat.prompt("delete").call().content());
    }
    assertTrue(f.tools.runsOf("tickets.delete").isEmpty());
  }

  @Test
  void deniedCallEndsTheChatCallWhenTheExceptionProcessorAlwaysThrows() {
    ToolCallingManager manager = ToolCallingManager.builder()
        .toolExecutionExceptionProcessor(DefaultToolExecutionExceptionProcessor.builder().alwaysThrow(true).build())
        .build();
    ChatClient chat = ChatClient.builder(f.model)
        .defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultAdvisors(ToolCallingAdvisor.builder().toolCallingManager(manager).build())
        .defaultTools(GuardedToolCallbacks.builder(f.guard).tools(f.tools).denialsThrow(true).build()).build();
    f.model.script("delete", callTool("deleteTicket", "{\"ticketId\":\"T-1\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      ToolExecutionException e = assertThrows(ToolExecutionException.class, () -> chat.prompt("delete").call().content());
      ToolCallDeniedException denied = assertInstanceOf(ToolCallDeniedException.class, e.getCause());
      assertEquals(DenyCode.FORBIDDEN, denied.code());
      assertEquals(DenialText.of(DenyCode.FORBIDDEN), e.getMessage());
      assertFalse(e.getMessage().contains("no-ticket-deletion"), "a rule id reached the model-facing message");
    }
    assertTrue(f.tools.runsOf("tickets.delete").isEmpty());
    assertEquals(1, f.model.offered().size(), "the model was called again after the denial");
  }

  @Test
  void wrappedCallbackIsDecidedOnItsBoundArgumentsAndGetsTheApplicationsToolContext() {
    RecordingCallback weather = new RecordingCallback("weather", false);
    ToolBinding binding = ToolBinding.builder("weather.get").action("read").risk(Risk.LOW)
        .attribute("city", "resource.city").build();
    ChatClient chat = ChatClient.builder(f.model).defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultTools(GuardedToolCallbacks.wrap(f.guard, weather, binding)).build();
    f.model.script("paris", callTool("weather", "{\"city\":\"Paris\"}"), answerWithLastResult());
    f.model.script("atlantis", callTool("weather", "{\"city\":\"Atlantis\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.task("weather.get"))) {
      assertEquals("final: sunny in {\"city\":\"Paris\"}",
          chat.prompt("paris").toolContext(Map.of("tenant", "acme")).call().content());
      assertEquals("final: " + DenialText.of(DenyCode.FORBIDDEN), chat.prompt("atlantis").call().content());
    }
    assertEquals(List.of("{\"city\":\"Paris\"}"), weather.inputs, "the forbidden call reached the delegate");
    assertEquals(Map.of("tenant", "acme"), weather.contexts.get(0), "the task leaked into, or the context was lost");
    f.drainedEvents();
    List<AuditEvent> decisions = f.decisions("weather.get");
    assertEquals("Paris", decisions.get(0).attributes().get("resource.city"));
    assertEquals("FORBIDDEN", decisions.get(1).code());
  }

  @Test
  void wrappedCallbackKeepsReturnDirect() {
    RecordingCallback weather = new RecordingCallback("weather", true);
    ToolCallback guarded = GuardedToolCallbacks.wrap(f.guard, weather,
        ToolBinding.builder("weather.get").attribute("city", "resource.city").build());
    assertTrue(guarded.getToolMetadata().returnDirect());
    ChatClient chat = ChatClient.builder(f.model).defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultTools(guarded).build();
    f.model.script("paris", callTool("weather", "{\"city\":\"Paris\"}"));
    try (AgentTask task = f.guard.startTask(SpringAiFixture.task("weather.get"))) {
      assertEquals("sunny in {\"city\":\"Paris\"}", chat.prompt("paris").call().content());
    }
  }

  @Test
  void wrappedProviderOffersOnlyToolsWithABinding() {
    RecordingCallback bound = new RecordingCallback("weather", false);
    RecordingCallback unbound = new RecordingCallback("shell", false);
    ToolCallbackProvider mcpLike = () -> new ToolCallback[] {bound, unbound};
    ToolCallback[] guarded = GuardedToolCallbacks.builder(f.guard)
        .callbacks(mcpLike, Map.of("weather", ToolBinding.builder("weather.get").build())).build().getToolCallbacks();
    assertEquals(1, guarded.length);
    GuardedToolCallback g = assertInstanceOf(GuardedToolCallback.class, guarded[0]);
    assertEquals("weather.get", g.tool());
    assertEquals("weather", g.getToolDefinition().name());
  }

  @Test
  void callbackCalledDirectlyWithoutAContextIsDecidedUnderTheThreadsTaskOrDenied() {
    ToolCallback read = readTicket();
    assertEquals(DenialText.of(DenyCode.NO_TASK), read.call("{\"ticketId\":\"T-9\"}"));
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      assertEquals("\"ticket T-9: printer on fire\"", read.call("{\"ticketId\":\"T-9\"}"));
    }
    assertEquals(1, f.tools.runsOf("tickets.read").size());
  }

  @Test
  void toolLoopOnAUserExecutorKeepsTheTask() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    ToolCallingManager plain = ToolCallingManager.builder().build();
    ToolCallingManager onPool = new ToolCallingManager() {
      @Override
      public List<ToolDefinition> resolveToolDefinitions(ToolCallingChatOptions options) {
        return plain.resolveToolDefinitions(options);
      }

      @Override
      public ToolExecutionResult executeToolCalls(Prompt prompt, ChatResponse response) {
        try {
          return pool.submit(() -> plain.executeToolCalls(prompt, response)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    ChatClient chat = ChatClient.builder(f.model)
        .defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultAdvisors(ToolCallingAdvisor.builder().toolCallingManager(onPool).build())
        .defaultTools(GuardedToolCallbacks.from(f.guard, f.tools)).build();
    f.model.script("read", callTool("readTicket", "{\"ticketId\":\"T-7\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      chat.prompt("read").call().content();
      SupportTools.Run run = f.tools.runsOf("tickets.read").get(0);
      assertEquals(task.id(), run.taskId());
      assertNotNull(run.thread());
      assertFalse(run.thread().equals(Thread.currentThread().getName()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void agentToolOnTheInterfaceMethodIsHonoured() {
    InterfaceToolsImpl impl = new InterfaceToolsImpl();
    GuardedToolCallback g = assertInstanceOf(GuardedToolCallback.class, GuardedToolCallbacks.from(f.guard, impl)[0]);
    assertEquals("tickets.read", g.tool());
    assertEquals(DenialText.of(DenyCode.NO_TASK), g.call("{\"ticketId\":\"T-1\"}"));
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      assertEquals("\"found T-1\"", g.call("{\"ticketId\":\"T-1\"}"));
    }
    assertEquals(1, impl.runs.get());
    f.drainedEvents();
    assertEquals("T-1", f.decisions("tickets.read").get(1).attributes().get("resource.id"));
  }

  @Test
  void taskClosedBeforeTheToolRunsIsDenied() {
    // docs/security-cases.md #23: a task closed on another thread
    ToolCallback read = readTicket();
    AgentTask task = f.guard.startTask(SpringAiFixture.supportTask());
    task.close();
    String result = read.call("{\"ticketId\":\"T-1\"}", new ToolContext(
        GuardedToolCallbacks.toolContext(task)));
    assertTrue(result.startsWith("DENIED "), result);
    assertTrue(f.tools.runs.isEmpty());
  }

  @Test
  void hallucinatedToolNameRunsNothing() {
    // docs/security-cases.md #51: Spring AI ends the request; nothing runs, nothing is allowed
    ChatClient chat = f.chatClient();
    f.model.script("rm", callTool("deleteEverything", "{}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> chat.prompt("rm").call().content());
      assertTrue(e.getMessage().contains("No ToolCallback found"), e.getMessage());
    }
    assertTrue(f.tools.runs.isEmpty());
  }

  @Test
  void unguardedCallbacksInTheModelsDefaultOptionsAreRefusedToo() {
    PlainTools plain = new PlainTools();
    ScriptedChatModel model = new ScriptedChatModel()
        .defaultTools(ToolCallbacks.from(plain));
    model.script("look", callTool("lookup", "{\"key\":\"k\"}"), answerWithLastResult());
    ChatClient chat = ChatClient.builder(model).defaultAdvisors(AgentGuardAdvisors.of(f.guard)).build();
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      assertThrows(IllegalStateException.class, () -> chat.prompt("look").call().content());
    }
    assertEquals(0, plain.runs.get());
    assertTrue(model.offered().isEmpty());
  }

  @Test
  void resolutionFallbackResolvesOnlyGuardedTools() {
    PlainTools plain = new PlainTools();
    ToolCallback guardedRead = readTicket();
    var resolver = GuardedToolCallbacks.guardedOnly(new StaticToolCallbackResolver(
        List.of(ToolCallbacks.from(plain)[0], guardedRead)));
    assertEquals(null, resolver.resolve("lookup"));
    assertEquals(guardedRead, resolver.resolve("readTicket"));
    ToolCallingManager manager = ToolCallingManager.builder().toolCallbackResolver(resolver)
        .resolutionFallbackEnabled(true).build();
    ChatClient chat = ChatClient.builder(f.model)
        .defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultAdvisors(ToolCallingAdvisor.builder().toolCallingManager(manager).build()).build();
    f.model.script("look", callTool("lookup", "{\"key\":\"k\"}"), answerWithLastResult());
    f.model.script("read", callTool("readTicket", "{\"ticketId\":\"T-8\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      assertThrows(IllegalStateException.class, () -> chat.prompt("look").call().content());
      // resolved by name, never offered, still decided under the request's task
      assertEquals("final: \"ticket T-8: printer on fire\"", chat.prompt("read").call().content());
      assertEquals(task.id(), f.tools.runsOf("tickets.read").get(0).taskId());
    }
    assertEquals(0, plain.runs.get());
  }

  @Test
  void toolContextParameterGetsTheApplicationsEntriesButNeverTheTask() {
    ContextTools tools = new ContextTools();
    ChatClient chat = ChatClient.builder(f.model).defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultTools(GuardedToolCallbacks.from(f.guard, tools)).build();
    f.model.script("who", callTool("whoAmI", "{\"question\":\"?\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.task("tickets.*"))) {
      assertEquals("final: \"tenant acme\"", chat.prompt("who").toolContext(Map.of("tenant", "acme")).call().content());
    }
    assertEquals(List.of(Map.of("tenant", "acme")), tools.contexts);
  }

  @Test
  void unguardedToolAddedInsideTheToolLoopIsRefused() {
    PlainTools plain = new PlainTools();
    ChatClient chat = ChatClient.builder(f.model)
        .defaultAdvisors(AgentGuardAdvisors.of(f.guard))
        .defaultAdvisors(new InjectingToolCallingAdvisor(ToolCallbacks.from(plain)[0]))
        .defaultTools(GuardedToolCallbacks.from(f.guard, f.tools)).build();
    f.model.script("look", callTool("lookup", "{\"key\":\"k\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> chat.prompt("look").call().content());
      assertTrue(e.getMessage().contains("'lookup'"), e.getMessage());
    }
    assertTrue(f.model.offered().isEmpty(), "the model was offered an unguarded tool");
    assertEquals(0, plain.runs.get());
  }
}
