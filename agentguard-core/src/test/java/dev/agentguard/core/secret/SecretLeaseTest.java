package dev.agentguard.core.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.SecretLease;
import dev.agentguard.SecretUnavailableException;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolCall;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.TestClock;
import dev.agentguard.test.StderrCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// docs/security-cases.md #50, #75, #76
/**
 * The guard's lease model, against a broker of this test's own ({@link RecordingBroker}): who may
 * obtain a lease, when it is issued, reused and revoked, and that a broker that cannot issue denies
 * the call before its body runs. docs/security-cases.md #50
 */
class SecretLeaseTest {
  /** Tools of an order desk: one declares the database secret, one does not. */
  public interface Orders {
    @AgentTool(value = "orders.query", action = "read", risk = Risk.LOW, secrets = "orders-db")
    String query();

    @AgentTool(value = "orders.peek", action = "read", risk = Risk.LOW)
    String peek();

    @AgentTool(value = "orders.nested", action = "read", risk = Risk.LOW, secrets = "orders-db")
    String nested();
  }

  /** Bodies that reach for the secret; they count how often they ran. */
  static final class OrdersImpl implements Orders {
    final java.util.concurrent.atomic.AtomicInteger bodies = new java.util.concurrent.atomic.AtomicInteger();
    final AtomicReference<ToolCall> captured = new AtomicReference<>();
    final AtomicReference<SecretLease> capturedLease = new AtomicReference<>();
    volatile Orders proxy;

    @Override
    public String query() {
      bodies.incrementAndGet();
      ToolCall call = ToolCall.current();
      captured.set(call);
      SecretLease lease = call.secret("orders-db");
      capturedLease.set(lease);
      return lease.principal();
    }

    @Override
    public String peek() {
      bodies.incrementAndGet();
      return ToolCall.current().secret("orders-db").principal();
    }

    @Override
    public String nested() {
      bodies.incrementAndGet();
      ToolCall.current().secret("orders-db");
      return proxy.peek();
    }
  }

  private static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");
  private static final AgentIdentity BOT = AgentIdentity.of("spiffe://acme.example/agent/order-bot");
  private static StderrCapture log;
  private static final List<String> ALL_SECRETS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @TempDir
  Path dir;
  final TestClock clock = TestClock.at("2026-11-28T10:00:00Z");
  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final RecordingBroker broker = new RecordingBroker();
  final OrdersImpl impl = new OrdersImpl();
  AgentGuard guard;
  Orders orders;
  Path jsonLines;

  @BeforeAll
  static void captureLog() {
    log = StderrCapture.start();
  }

  @AfterAll
  static void noSecretInAnyLogLine() {
    log.close();
    StderrCapture.assertAbsent(log.text(), ALL_SECRETS, "the test run's log");
  }

  private void start(UnaryOperator<AgentGuard.Builder> customize) {
    jsonLines = dir.resolve("audit.jsonl");
    guard = customize.apply(AgentGuard.builder().policy(PERMIT_ALL).clock(clock).auditSink(sink)
        .auditSink(AuditSinks.jsonLines(jsonLines)).secretBroker("orders-db", broker)).build();
    orders = guard.protect(Orders.class, impl);
    impl.proxy = orders;
  }

  @AfterEach
  void noSecretInAnySinkOutput() throws Exception {
    if (guard != null) {
      guard.close();
    }
    ALL_SECRETS.addAll(broker.secretsIssued);
    String file = jsonLines == null ? "" : Files.readString(jsonLines);
    String events = sink.events().stream().map(AuditEvent::toString).collect(Collectors.joining("\n"));
    if (!broker.secretsIssued.isEmpty()) {
      StderrCapture.assertAbsent(file, broker.secretsIssued, "the JSON-lines audit file");
      StderrCapture.assertAbsent(events, broker.secretsIssued, "the audit events");
    }
  }

  private static TaskSpec.Builder spec() {
    return TaskSpec.builder(BOT).scopes("orders.*").ttl(Duration.ofMinutes(5));
  }

  private List<AuditEvent> events(String type) {
    return sink.events().stream().filter(e -> e.type().equals(type)).collect(Collectors.toList());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not reached within 10 s");
      Thread.sleep(5); // bounded polling for asynchronous delivery, not waiting for expiry
    }
  }

  @Test
  void declaringToolGetsOneLeasePerTaskReusedAcrossCalls() {
    start(b -> b);
    try (AgentTask task = guard.startTask(spec().build())) {
      String first = orders.query();
      String second = orders.query();
      assertEquals(first, second);
      assertEquals(1, broker.requests.size());
      assertEquals(task.id(), broker.requests.get(0).taskId());
      assertEquals(guard.instanceId(), broker.requests.get(0).guardInstance());
      assertEquals(task.credential().expiresAt(), broker.requests.get(0).notAfter());
      assertTrue(broker.live.contains(first));
    }
  }

  @Test
  void taskCloseRevokesTheLeaseBeforeCloseReturnsAndTheHeldCallStopsHandingItOut() {
    start(b -> b);
    String principal;
    AgentTask task = guard.startTask(spec().build());
    principal = orders.query();
    SecretLease lease = impl.capturedLease.get();
    task.close();
    assertFalse(broker.live.contains(principal));
    assertTrue(lease.secret().isWiped());
    SecretUnavailableException e = assertThrows(SecretUnavailableException.class,
        () -> impl.captured.get().secret("orders-db"));
    assertTrue(e.getMessage().contains("has ended"), e.getMessage());
    guard.close();
    List<AuditEvent> revoked = events(AuditEvent.SECRET_REVOKED);
    assertEquals(1, revoked.size());
    assertEquals("task closed", revoked.get(0).reasons().get(0));
    assertEquals(task.id(), revoked.get(0).task());
  }

  // docs/security-cases.md #75: outside its call a kept ToolCall hands out nothing, task open or not
  @Test
  void aToolCallKeptPastItsCallHandsOutNothingWhileTheTaskIsStillOpen() throws Exception {
    start(b -> b);
    try (AgentTask task = guard.startTask(spec().build())) {
      String principal = orders.query();
      assertTrue(broker.live.contains(principal), "the task's lease is still live");
      ToolCall kept = impl.captured.get();
      SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> kept.secret("orders-db"));
      assertTrue(e.getMessage().contains("has ended"), e.getMessage());
      // from a thread the body could have started, too
      java.util.concurrent.FutureTask<SecretLease> other = new java.util.concurrent.FutureTask<>(
          () -> kept.secret("orders-db"));
      new Thread(task.wrap(other)).start();
      java.util.concurrent.ExecutionException ex =
          assertThrows(java.util.concurrent.ExecutionException.class, other::get);
      assertTrue(ex.getCause() instanceof SecretUnavailableException, ex.getCause().toString());
      assertEquals(principal, orders.query(), "a new call of the tool gets the lease again");
    }
  }

  @Test
  void twoTasksGetDifferentLeases() {
    start(b -> b);
    String a;
    String b;
    try (AgentTask t1 = guard.startTask(spec().build())) {
      a = orders.query();
      try (AgentTask t2 = guard.startTask(spec().build())) {
        b = orders.query();
      }
    }
    assertNotEquals(a, b);
    assertTrue(broker.live.isEmpty());
  }

  @Test
  void toolThatDoesNotDeclareTheSecretCannotObtainItEvenNestedInsideOneThatDoes() {
    start(b -> b);
    try (AgentTask task = guard.startTask(spec().build())) {
      orders.query(); // the task holds a lease
      SecretUnavailableException e = assertThrows(SecretUnavailableException.class, orders::peek);
      assertTrue(e.getMessage().contains("orders.peek does not declare secret 'orders-db'"), e.getMessage());
      assertThrows(SecretUnavailableException.class, orders::nested);
      assertEquals(1, broker.requests.size());
    }
  }

  @Test
  void codeOutsideAnyCallCannotObtainIt() {
    start(b -> b);
    assertThrows(SecretUnavailableException.class, ToolCall::current);
    try (AgentTask task = guard.startTask(spec().build())) {
      orders.query();
      SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> AgentGuard.currentCall());
      assertTrue(e.getMessage().contains("no guarded tool call is running on this thread"), e.getMessage());
    }
  }

  @Test
  void anotherThreadCarryingTheTaskButNotTheCallCannotObtainIt() throws Exception {
    start(b -> b);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (AgentTask task = guard.startTask(spec().build())) {
      AtomicReference<Throwable> other = new AtomicReference<>();
      Orders viaPool = new Orders() {
        @Override
        public String query() {
          try {
            pool.submit(task.wrap(() -> {
              try {
                ToolCall.current().secret("orders-db");
              } catch (Throwable t) {
                other.set(t);
              }
            })).get();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return "ok";
        }

        @Override
        public String peek() {
          return "";
        }

        @Override
        public String nested() {
          return "";
        }
      };
      assertEquals("ok", guard.protect(Orders.class, viaPool).query());
      assertTrue(other.get() instanceof SecretUnavailableException, String.valueOf(other.get()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deniedCallNeverReachesTheBrokerNorTheBody() {
    start(b -> b);
    try (AgentTask task = guard.startTask(TaskSpec.builder(BOT).scopes("orders.peek").ttl(Duration.ofMinutes(5)).build())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, orders::query);
      assertEquals(DenyCode.OUT_OF_SCOPE, e.code());
    }
    assertEquals(0, impl.bodies.get());
    assertTrue(broker.requests.isEmpty());
  }

  @Test
  void closedTaskCannotObtainIt() {
    start(b -> b);
    AgentTask task = guard.startTask(spec().build());
    task.close();
    assertThrows(AccessDeniedException.class, orders::query);
    assertEquals(0, impl.bodies.get());
    assertTrue(broker.requests.isEmpty());
  }

  @Test
  void brokerThatCannotIssueDeniesBeforeTheBodyRuns() {
    start(b -> b);
    broker.failIssue = true;
    try (AgentTask task = guard.startTask(spec().build())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, orders::query);
      assertEquals(DenyCode.SECRET_UNAVAILABLE, e.code());
      assertEquals(0, impl.bodies.get());
      broker.failIssue = false; // a later call of the same task tries again
      orders.query();
      assertEquals(1, impl.bodies.get());
    }
    guard.close();
    AuditEvent deny = events(AuditEvent.TOOL_DECISION).stream()
        .filter(d -> "DENY".equals(d.decision())).findFirst().orElseThrow();
    assertEquals("SECRET_UNAVAILABLE", deny.code());
    assertTrue(deny.reasons().get(0).contains("java.net.ConnectException"), deny.reasons().toString());
  }

  @Test
  void brokerThatTimesOutDeniesAndTheLateLeaseIsRevoked() throws Exception {
    start(b -> b.secretIssueTimeout(Duration.ofMillis(100)));
    CountDownLatch release = new CountDownLatch(1);
    broker.blockIssue = release;
    try (AgentTask task = guard.startTask(spec().build())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, orders::query);
      assertEquals(DenyCode.SECRET_UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("timeout") || e.decision().reasons().get(0).contains("timeout"));
      assertEquals(0, impl.bodies.get());
      release.countDown();
      await(() -> broker.revokes.get() == 1);
      assertTrue(broker.live.isEmpty());
    }
  }

  @Test
  void leaseThatWouldOutliveItsTaskIsRefusedAndRevoked() throws Exception {
    start(b -> b);
    broker.outlive = Duration.ofSeconds(1);
    try (AgentTask task = guard.startTask(spec().build())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, orders::query);
      assertEquals(DenyCode.SECRET_UNAVAILABLE, e.code());
      assertEquals(0, impl.bodies.get());
      assertTrue(broker.live.isEmpty());
    }
  }

  @Test
  void revokeTaskRevokeAgentAndRevokeCredentialRevokeTheLease() {
    start(b -> b);
    AgentTask t1 = guard.startTask(spec().build());
    String p1 = orders.query();
    guard.revokeTask(t1.id());
    assertFalse(broker.live.contains(p1));
    assertThrows(AccessDeniedException.class, orders::query);

    AgentTask t2 = guard.startTask(spec().build());
    String p2 = orders.query();
    guard.revokeAgent(BOT.id());
    assertFalse(broker.live.contains(p2));

    AgentTask t3 = guard.startTask(spec().build());
    String p3 = orders.query();
    guard.revokeCredential(t3.credential().id());
    assertFalse(broker.live.contains(p3));
    guard.close();
    assertEquals(List.of("task revoked", "agent revoked", "credential revoked"),
        events(AuditEvent.SECRET_REVOKED).stream().map(e -> e.reasons().get(0)).collect(Collectors.toList()));
  }

  @Test
  void expiredLeaseOfATaskNobodyClosedIsRevokedByTheSweep() throws Exception {
    start(b -> b);
    AgentTask forgotten = guard.startTask(spec().build());
    String p1 = orders.query();
    guard.currentTask().ifPresent(t -> { }); // the task stays open and bound; nobody closes it
    clock.advance(Duration.ofMinutes(6));
    try (AgentTask next = guard.startTask(spec().build())) {
      orders.query(); // a new issue schedules a sweep of the others
      await(() -> !broker.live.contains(p1));
    }
    guard.close();
    // the sweep records its revocation on its own thread after the broker call, so the next task's
    // close may be recorded first: find the forgotten task's record rather than take the first one
    List<AuditEvent> ofForgotten = events(AuditEvent.SECRET_REVOKED).stream()
        .filter(e -> forgotten.id().equals(e.task())).toList();
    assertEquals(1, ofForgotten.size(), "the forgotten task's lease is revoked once");
    assertEquals("task expired", ofForgotten.get(0).reasons().get(0));
  }

  @Test
  void taskRevokedThroughTheStoreByAnotherGuardLosesItsLeaseAtTheNextSweep() throws Exception {
    dev.agentguard.core.spi.RevocationStore store = dev.agentguard.core.spi.RevocationStore.inMemory(clock);
    start(b -> b.revocationStore(store));
    AgentTask revokedElsewhere = guard.startTask(spec().build());
    String p1 = orders.query();
    store.revokeTask(revokedElsewhere.id(), clock.millis() + 600_000); // as a fleet peer would
    try (AgentTask next = guard.startTask(spec().build())) {
      orders.query(); // a new issue schedules a sweep of the others
      await(() -> !broker.live.contains(p1));
    }
    guard.close();
    List<AuditEvent> ofRevoked = events(AuditEvent.SECRET_REVOKED).stream()
        .filter(e -> revokedElsewhere.id().equals(e.task())).toList(); // the sweep records on its own thread
    assertEquals(1, ofRevoked.size(), "the revoked task's lease is revoked once");
    assertEquals("task revoked", ofRevoked.get(0).reasons().get(0));
  }

  @Test
  void failedRevokeIsRecordedOnceAndRetriedUntilItSucceeds() throws Exception {
    start(b -> b);
    broker.failRevokes = 2;
    String principal;
    try (AgentTask task = guard.startTask(spec().build())) {
      principal = orders.query();
    }
    assertTrue(broker.live.contains(principal));
    await(() -> events(AuditEvent.SECRET_REVOKE_FAILED).size() == 1);
    AuditEvent failed = events(AuditEvent.SECRET_REVOKE_FAILED).get(0);
    assertEquals("java.io.IOException", failed.error());
    await(() -> !broker.live.contains(principal)); // retries after 1 s and 2 s of backoff
    await(() -> events(AuditEvent.SECRET_REVOKED).size() == 1);
    assertEquals(1, events(AuditEvent.SECRET_REVOKE_FAILED).size());
    assertTrue(events(AuditEvent.SECRET_REVOKED).get(0).reasons().get(0).contains("after 2 failed attempt(s)"));
  }

  @Test
  void issuedRecordNamesBrokerLeasePrincipalAndExpiryButNotTheSecret() {
    start(b -> b);
    String principal;
    AgentTask task = guard.startTask(spec().build());
    principal = orders.query();
    SecretLease lease = impl.capturedLease.get();
    assertFalse(lease.toString().contains(broker.secretsIssued.get(0)));
    assertFalse(lease.secret().toString().contains(broker.secretsIssued.get(0)));
    task.close();
    guard.close();
    AuditEvent issued = events(AuditEvent.SECRET_ISSUED).get(0);
    assertEquals("orders.query", issued.tool());
    assertEquals(task.id(), issued.task());
    Map<String, Object> a = issued.attributes();
    assertEquals("orders-db", a.get("secret"));
    assertEquals("recording", a.get("secret.broker"));
    assertEquals("lease-" + principal, a.get("lease.id"));
    assertEquals(principal, a.get("lease.principal"));
    assertEquals(task.credential().expiresAt().toString(), a.get("lease.expiresAt"));
    List<String> types = sink.events().stream().map(AuditEvent::type).collect(Collectors.toList());
    assertTrue(types.indexOf(AuditEvent.SECRET_ISSUED) < types.indexOf(AuditEvent.TOOL_DECISION));
    assertTrue(types.indexOf(AuditEvent.SECRET_REVOKED) < types.indexOf(AuditEvent.TASK_COMPLETED));
  }

  @Test
  void guardedCallsUseTheBuilderMappingAndDryRunsIssueNothing() {
    start(b -> b.toolSecrets("orders.export", "orders-db"));
    try (AgentTask task = guard.startTask(spec().build())) {
      ToolRequest export = ToolRequest.builder("orders.export").action("read").risk(Risk.LOW).build();
      assertTrue(guard.check(export).allowed());
      assertTrue(broker.requests.isEmpty());
      String principal = guard.call(export, () -> ToolCall.current().secret("orders-db").principal());
      assertTrue(broker.live.contains(principal));
      ToolRequest other = ToolRequest.builder("orders.other").action("read").risk(Risk.LOW).build();
      assertThrows(SecretUnavailableException.class, () -> guard.call(other, () -> ToolCall.current().secret("orders-db")));
    }
  }

  @Test
  void toolDeclaringASecretWithoutABrokerFailsAtProtect() {
    AgentGuard plain = AgentGuard.builder().policy(PERMIT_ALL).clock(clock).auditSink(sink).build();
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> plain.protect(Orders.class, impl));
      assertTrue(e.getMessage().contains("declares secret 'orders-db' but the guard has no broker for it"), e.getMessage());
    } finally {
      plain.close();
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentGuard.builder()
        .policy(PERMIT_ALL).secretBroker("orders-db", broker).toolSecrets("x.y", "missing").build());
    assertTrue(e.getMessage().contains("secret 'missing'"), e.getMessage());
  }

  @Test
  void guardWithoutBrokersBindsNoCall() {
    AgentGuard plain = AgentGuard.builder().policy(PERMIT_ALL).clock(clock).auditSink(sink).build();
    try (AgentTask task = plain.startTask(spec().build())) {
      AtomicBoolean bound = new AtomicBoolean(true);
      plain.call(ToolRequest.builder("orders.peek").risk(Risk.LOW).build(), () -> {
        bound.set(dev.agentguard.internal.CallScope.current() != null);
        return null;
      });
      assertFalse(bound.get());
    } finally {
      plain.close();
    }
  }

  @Test
  void callsRacingOnANewTaskShareOneIssue() throws Exception {
    start(b -> b);
    CountDownLatch release = new CountDownLatch(1);
    broker.blockIssue = release;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (AgentTask task = guard.startTask(spec().build())) {
      List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(task.wrap(orders::query)));
      }
      await(() -> broker.requests.size() == 1);
      release.countDown();
      String first = results.get(0).get();
      for (java.util.concurrent.Future<String> r : results) {
        assertEquals(first, r.get());
      }
      assertEquals(1, broker.requests.size());
    } finally {
      pool.shutdownNow();
    }
    assertNull(broker.live.stream().findAny().orElse(null));
  }
}
