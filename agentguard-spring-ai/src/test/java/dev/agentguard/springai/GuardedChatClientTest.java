package dev.agentguard.springai;

import static dev.agentguard.springai.ScriptedChatModel.answerWithLastResult;
import static dev.agentguard.springai.ScriptedChatModel.callTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.DenialText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/** Guarded tools through a real ChatClient and Spring AI 2.0's tool loop, with a scripted model. */
class GuardedChatClientTest {
  private final SpringAiFixture f = new SpringAiFixture();
  private final ChatClient chat = f.chatClient();

  @AfterEach
  void closeGuard() {
    f.close();
  }

  @Test
  void allowedCallRunsOnceAndTheModelGetsItsResult() {
    f.model.script("read T-1", callTool("readTicket", "{\"ticketId\":\"T-1\"}"), answerWithLastResult());
    String answer;
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      answer = chat.prompt("read T-1").call().content();
      assertEquals(task.id(), f.tools.runsOf("tickets.read").get(0).taskId());
    }
    assertEquals("final: \"ticket T-1: printer on fire\"", answer);
    assertEquals(1, f.tools.runsOf("tickets.read").size());
    List<AuditEvent> events = f.drainedEvents();
    AuditEvent decision = events.stream().filter(e -> e.type().equals("tool.decision")).findFirst().orElseThrow();
    assertEquals("ALLOW", decision.decision());
    assertEquals("T-1", decision.attributes().get("resource.id"));
  }

  @Test
  void forbiddenCallNeverRunsAndTheModelReceivesTheDenialText() {
    f.model.script("delete T-1", callTool("deleteTicket", "{\"ticketId\":\"T-1\"}"), answerWithLastResult());
    String answer;
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      answer = chat.prompt("delete T-1").call().content();
    }
    assertTrue(f.tools.runsOf("tickets.delete").isEmpty(), "the forbidden tool body ran");
    assertEquals(List.of(DenialText.of(DenyCode.FORBIDDEN)), f.model.toolResults());
    assertEquals("final: " + DenialText.of(DenyCode.FORBIDDEN), answer);
    f.drainedEvents();
    AuditEvent denied = f.decisions("tickets.delete").get(0);
    assertEquals("DENY", denied.decision());
    assertEquals("FORBIDDEN", denied.code());
  }

  @Test
  void toolOutOfScopeIsNotOfferedToTheModel() {
    f.model.script("hello", answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      chat.prompt("hello").call().content();
    }
    List<String> offered = f.model.offered().get(0);
    assertFalse(offered.contains("refund"), "an out-of-scope tool was offered: " + offered);
    assertTrue(offered.containsAll(List.of("readTicket", "deleteTicket", "sendEmail")), offered.toString());
  }

  @Test
  void hiddenToolCalledByNameIsDeniedAndRecordedWithoutEndingTheConversation() {
    // docs/security-cases.md #51
    f.model.script("refund 10", callTool("refund", "{\"amount\":10}"), answerWithLastResult());
    String answer;
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      answer = chat.prompt("refund 10").call().content();
    }
    assertFalse(f.model.offered().get(0).contains("refund"));
    assertTrue(f.tools.runsOf("billing.refund").isEmpty(), "the hidden tool body ran");
    assertEquals("final: " + DenialText.of(DenyCode.OUT_OF_SCOPE), answer);
    f.drainedEvents();
    AuditEvent denied = f.decisions("billing.refund").get(0);
    assertEquals("DENY", denied.decision());
    assertEquals("OUT_OF_SCOPE", denied.code());
  }

  @Test
  void callWithNoTaskIsDeniedAndNoToolIsOffered() {
    // docs/security-cases.md #23
    f.model.script("read T-1", callTool("readTicket", "{\"ticketId\":\"T-1\"}"), answerWithLastResult());
    String answer = chat.prompt("read T-1").call().content();
    assertTrue(f.model.offered().get(0).isEmpty(), "tools were offered without a task");
    assertTrue(f.tools.runs.isEmpty(), "a tool body ran without a task");
    assertEquals("final: " + DenialText.of(DenyCode.NO_TASK), answer);
    f.drainedEvents();
    assertEquals("NO_TASK", f.decisions("tickets.read").get(0).code());
  }

  @Test
  void streamDecidesUnderTheCallersTaskOnReactorThreads() {
    f.model.script("read T-2", callTool("readTicket", "{\"ticketId\":\"T-2\"}"), answerWithLastResult());
    List<String> chunks;
    String taskId;
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      taskId = task.id();
      chunks = chat.prompt("read T-2").stream().content().collectList().block();
    }
    assertNotNull(chunks);
    assertEquals("final: \"ticket T-2: printer on fire\"", String.join("", chunks));
    SupportTools.Run run = f.tools.runsOf("tickets.read").get(0);
    assertEquals(taskId, run.taskId());
    assertTrue(run.thread().contains("boundedElastic"), "the tool ran on " + run.thread());
    assertFalse(f.model.offered().get(0).contains("refund"));
  }

  @Test
  void streamSubscribedOnAnotherThreadTakesTheTaskFromTheReactorContext() {
    f.model.script("read T-3", callTool("readTicket", "{\"ticketId\":\"T-3\"}"), answerWithLastResult());
    AgentTask task = f.guard.startTask(SpringAiFixture.supportTask());
    // the task stays bound to this thread only: the subscription below runs on a pool thread
    List<String> chunks = chat.prompt("read T-3").stream().content()
        .contextWrite(Context.of(AgentGuardAdvisors.TASK, task))
        .subscribeOn(Schedulers.parallel())
        .collectList().block();
    task.close();
    assertEquals("final: \"ticket T-3: printer on fire\"", String.join("", chunks));
    assertEquals(task.id(), f.tools.runsOf("tickets.read").get(0).taskId());
  }

  @Test
  void streamWithNoTaskAnywhereIsDenied() {
    // docs/security-cases.md #23, #51: nothing runs unguarded on a framework thread
    f.model.script("read T-4", callTool("readTicket", "{\"ticketId\":\"T-4\"}"), answerWithLastResult());
    List<String> chunks = chat.prompt("read T-4").stream().content().collectList().block();
    assertEquals("final: " + DenialText.of(DenyCode.NO_TASK), String.join("", chunks));
    assertTrue(f.tools.runs.isEmpty());
  }

  @Test
  void concurrentConversationsUnderTheirOwnTasksNeverSeeEachOthersTask() throws Exception {
    // docs/security-cases.md #27, #51
    int conversations = 64;
    for (int i = 0; i < conversations; i++) {
      f.model.script("read C-" + i, callTool("readTicket", "{\"ticketId\":\"C-" + i + "\"}"), answerWithLastResult());
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<String>> taskIds = new ArrayList<>();
      for (int i = 0; i < conversations; i++) {
        int n = i;
        taskIds.add(pool.submit(() -> {
          start.await();
          try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
            if (n % 2 == 0) {
              chat.prompt("read C-" + n).call().content();
            } else {
              chat.prompt("read C-" + n).stream().content().collectList().block();
            }
            return task.id();
          }
        }));
      }
      start.countDown();
      for (int i = 0; i < conversations; i++) {
        String expected = taskIds.get(i).get(30, TimeUnit.SECONDS);
        String ticket = "C-" + i;
        List<SupportTools.Run> runs = f.tools.runs.stream().filter(r -> r.argument().equals(ticket)).toList();
        assertEquals(1, runs.size(), ticket);
        assertEquals(expected, runs.get(0).taskId(), "conversation " + i + " ran under another task");
      }
    } finally {
      pool.shutdownNow();
    }
    f.drainedEvents();
    for (int i = 0; i < conversations; i++) {
      String ticket = "C-" + i;
      AuditEvent e = f.decisions("tickets.read").stream()
          .filter(d -> ticket.equals(d.attributes().get("resource.id"))).findFirst().orElseThrow();
      assertEquals("ALLOW", e.decision());
    }
  }

  @Test
  void userExecutorRunningTheToolLoopStillDecidesUnderTheRequestsTask() throws Exception {
    f.model.script("read T-5", callTool("readTicket", "{\"ticketId\":\"T-5\"}"), answerWithLastResult());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (AgentTask task = f.guard.startTask(SpringAiFixture.supportTask())) {
      // the application hands the task explicitly, then runs the whole chat on its own executor
      String answer = pool.submit(() -> chat.prompt("read T-5")
          .advisors(a -> a.param(AgentGuardAdvisors.TASK, task)).call().content()).get(30, TimeUnit.SECONDS);
      assertEquals("final: \"ticket T-5: printer on fire\"", answer);
      assertEquals(task.id(), f.tools.runsOf("tickets.read").get(0).taskId());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void redactedArgumentsNeverReachTheAuditSinks(@TempDir Path dir) throws Exception {
    // docs/security-cases.md #33
    String secret = "SECRET-body-7f3a9c";
    Path file = dir.resolve("audit.jsonl");
    try (SpringAiFixture g = new SpringAiFixture(SpringAiFixture.guardBuilder().auditSink(AuditSinks.jsonLines(file)))) {
      g.model.script("mail", callTool("sendEmail", "{\"to\":\"bob@acme.example\",\"body\":\"" + secret + "\"}"),
          answerWithLastResult());
      try (AgentTask task = g.guard.startTask(SpringAiFixture.supportTask())) {
        assertEquals("final: \"sent to bob@acme.example\"", g.chatClient().prompt("mail").call().content());
      }
      List<AuditEvent> events = g.drainedEvents();
      AuditEvent decision = g.decisions("email.send").get(0);
      assertTrue(decision.attributes().containsKey("resource.body"), "the redacted argument is not recorded at all");
      for (AuditEvent e : events) {
        String all = String.valueOf(e.attributes()) + e.reasons() + e.error() + e.outcome() + e.policies() + e;
        assertFalse(all.contains(secret), "the redacted value reached the in-memory sink in " + e);
      }
    }
    String written = Files.readString(file);
    assertTrue(written.contains("email.send"), "the JSON Lines sink has no record of the call");
    assertFalse(written.contains(secret), "the redacted value reached the JSON Lines file");
  }

  @Test
  void nonFiniteNumbersFromTheModelAreRefusedNotCoerced() {
    // docs/security-cases.md #51: arguments of the wrong type
    f.model.script("refund NaN", callTool("refund", "{\"amount\":\"NaN\"}"), answerWithLastResult());
    f.model.script("refund Inf", callTool("refund", "{\"amount\":\"Infinity\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.task("billing.refund"))) {
      String nan = chat.prompt("refund NaN").call().content();
      String inf = chat.prompt("refund Inf").call().content();
      assertTrue(nan.contains("not finite"), nan);
      assertTrue(inf.contains("not finite"), inf);
    }
    assertTrue(f.tools.runsOf("billing.refund").isEmpty(), "a non-finite amount reached the tool");
    f.drainedEvents();
    assertTrue(f.decisions("billing.refund").stream().noneMatch(e -> "ALLOW".equals(e.decision())));
  }

  @Test
  void argumentOfTheWrongTypeNeverRuns() {
    // docs/security-cases.md #51
    f.model.script("refund ten", callTool("refund", "{\"amount\":\"ten\"}"), answerWithLastResult());
    try (AgentTask task = f.guard.startTask(SpringAiFixture.task("billing.refund"))) {
      String answer = chat.prompt("refund ten").call().content();
      assertTrue(answer.contains("does not convert"), answer);
    }
    assertTrue(f.tools.runsOf("billing.refund").isEmpty());
  }

  @Test
  void taskPutIntoTheToolContextByTheApplicationIsUsedOnAnyThread() {
    f.model.script("read T-6", callTool("readTicket", "{\"ticketId\":\"T-6\"}"), answerWithLastResult());
    AgentTask task = f.guard.startTask(SpringAiFixture.supportTask());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      String answer = pool.submit(() -> chat.prompt("read T-6").toolContext(GuardedToolCallbacks.toolContext(task))
          .call().content()).get(30, TimeUnit.SECONDS);
      assertEquals("final: \"ticket T-6: printer on fire\"", answer);
      assertEquals(task.id(), f.tools.runsOf("tickets.read").get(0).taskId());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdownNow();
      task.close();
    }
  }
}
