package dev.agentguard.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretLease;
import dev.agentguard.SecretUnavailableException;
import dev.agentguard.SecretValue;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolCall;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.test.StderrCapture;
import dev.agentguard.test.FakeClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// docs/security-cases.md #50, #77
/**
 * The PostgreSQL broker against a real server (one per class, least-privilege broker login): the
 * per-task login works during the task and is refused, its sessions terminated, once the task ends.
 * docs/security-cases.md #50
 */
class PostgresSecretBrokerTest {
  private static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");
  private static final AgentIdentity BOT = AgentIdentity.of("spiffe://acme.example/agent/order-bot");
  private static StderrCapture log;
  private static final List<String> PASSWORDS = new CopyOnWriteArrayList<>();
  private static PgServer server;

  @TempDir
  Path dir;
  final FakeClock clock = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final OrderDb.Impl impl = new OrderDb.Impl();
  final List<AgentGuard> guards = new ArrayList<>();
  Path jsonLines;

  @BeforeAll
  static void startServer() {
    log = StderrCapture.start();
    server = PgServer.start();
  }

  @AfterAll
  static void stopServerAndScanTheLog() {
    server.close();
    log.close();
    StderrCapture.assertAbsent(log.text(), PASSWORDS, "the test run's log");
  }

  private AgentGuard guard(PostgresSecretBroker broker, UnaryOperator<AgentGuard.Builder> customize) {
    jsonLines = dir.resolve("audit-" + guards.size() + ".jsonl");
    AgentGuard g = customize.apply(AgentGuard.builder().policy(PERMIT_ALL).clock(clock).auditSink(sink)
        .auditSink(AuditSinks.jsonLines(jsonLines)).secretBroker("orders-db", broker)).build();
    guards.add(g);
    return g;
  }

  private AgentGuard guard() {
    return guard(server.broker().build(), b -> b);
  }

  private static TaskSpec spec() {
    return TaskSpec.builder(BOT).scopes("orders.*").ttl(Duration.ofMinutes(5)).build();
  }

  @AfterEach
  void noPasswordInAnySinkOutput() throws Exception {
    guards.forEach(AgentGuard::close);
    impl.uses.forEach(u -> PASSWORDS.add(u.password()));
    String events = sink.events().stream().map(AuditEvent::toString).collect(Collectors.joining("\n"));
    StringBuilder files = new StringBuilder();
    try (var s = Files.list(dir)) {
      for (Path p : s.collect(Collectors.toList())) {
        files.append(Files.readString(p));
      }
    }
    for (OrderDb.Impl.Use u : impl.uses) {
      assertFalse(events.contains(u.password()), "a lease password appeared in an audit event");
      assertFalse(files.toString().contains(u.password()), "a lease password appeared in the JSON-lines file");
    }
  }

  private static void assertLoginRefused(String user, String password) {
    SQLException e = assertThrows(SQLException.class, () -> server.login(user, password).close());
    assertEquals("28P01", e.getSQLState(), e.getMessage()); // invalid_password: the server refuses the login
  }

  private static void assertTerminated(Connection c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
        assertTrue(System.nanoTime() < deadline, "the task's connection was not terminated");
      } catch (SQLException expected) {
        return;
      }
      Thread.sleep(10);
    }
  }

  @Test
  void toolReadsWithItsLeaseAndAfterCloseTheLoginIsRefusedAndItsSessionTerminated() throws Exception {
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    AgentTask task = guard.startTask(spec());
    assertEquals(2, tools.count());
    OrderDb.Impl.Use use = impl.last();
    server.login(use.user(), use.password()).close(); // the login works while the task runs
    task.close();
    assertLoginRefused(use.user(), use.password());
    assertTerminated(use.connection());
    assertTrue(server.roles(use.user()).isEmpty());
  }

  @Test
  void revokeTaskAndRevokeAgentEndTheLoginToo() throws Exception {
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    AgentTask t1 = guard.startTask(spec());
    tools.count();
    OrderDb.Impl.Use first = impl.last();
    guard.revokeTask(t1.id());
    assertLoginRefused(first.user(), first.password());
    assertTerminated(first.connection());

    guard.startTask(spec());
    tools.count();
    OrderDb.Impl.Use second = impl.last();
    guard.revokeAgent(BOT.id());
    assertLoginRefused(second.user(), second.password());
    assertTerminated(second.connection());
    assertThrows(AccessDeniedException.class, tools::count);
  }

  @Test
  void leaseNeverOutlivesItsTaskOnTheServer() throws Exception {
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    try (AgentTask task = guard.startTask(spec())) {
      tools.count();
      try (Connection c = DriverManager.getConnection(server.url, "postgres", null);
          var ps = c.prepareStatement("SELECT rolvaliduntil FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, impl.last().user());
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          Instant validUntil = rs.getTimestamp(1).toInstant();
          assertEquals(task.credential().expiresAt(), validUntil);
        }
      }
    }
  }

  @Test
  void serverRefusesALeaseWhoseTaskExpiredEvenWithoutARevoke() throws Exception {
    clock.set(Instant.now().minus(Duration.ofMinutes(10))); // the guard's clock runs 10 min behind the server's
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    try (AgentTask task = guard.startTask(spec())) { // expires 5 min ago on the server's clock
      SQLException e = assertThrows(SQLException.class, tools::count);
      assertEquals("28P01", e.getSQLState(), e.getMessage());
    }
  }

  @Test
  void undeclaredToolAndCodeOutsideTheCallCannotObtainTheLogin() throws Exception {
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    try (AgentTask task = guard.startTask(spec())) {
      tools.count();
      assertThrows(SecretUnavailableException.class, tools::peek);
      assertThrows(SecretUnavailableException.class, ToolCall::current);
    }
  }

  @Test
  void twoConcurrentTasksGetDifferentLogins() throws Exception {
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    try (AgentTask t1 = guard.startTask(spec())) {
      tools.count();
      try (AgentTask t2 = guard.startTask(spec())) {
        tools.count();
      }
    }
    assertEquals(2, impl.uses.size());
    assertNotEquals(impl.uses.get(0).user(), impl.uses.get(1).user());
    assertNotEquals(impl.uses.get(0).password(), impl.uses.get(1).password());
  }

  @Test
  void fiftyTasksInParallelLeaveNoRoleBehind() throws Exception {
    AgentGuard guard = guard();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        results.add(pool.submit(() -> {
          try (AgentTask task = guard.startTask(spec())) {
            long n = tools.count();
            tools.count(); // reused within the task
            return n;
          }
        }));
      }
      for (Future<Long> r : results) {
        assertEquals(2, r.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(50, impl.uses.stream().map(OrderDb.Impl.Use::user).distinct().count());
    assertEquals(List.of(), server.roles("agentguard_"));
    for (OrderDb.Impl.Use u : impl.uses) {
      u.connection().close();
    }
  }

  @Test
  void brokerOfAStoppedServerDeniesWithSecretUnavailableAndRevokeFailuresAreRecorded() throws Exception {
    PgServer doomed = PgServer.start();
    AgentGuard guard = guard(doomed.broker().timeout(Duration.ofSeconds(1)).build(), b -> b);
    OrderDb tools = guard.protect(OrderDb.class, impl);
    AgentTask held = guard.startTask(spec());
    tools.count(); // a lease issued while the server ran
    OrderDb.Impl.Use use = impl.last();
    use.connection().close();
    doomed.close();
    try (AgentTask task = guard.startTask(spec())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, tools::count);
      assertEquals(DenyCode.SECRET_UNAVAILABLE, e.code());
      assertEquals(1, impl.uses.size()); // the body never ran
    }
    held.close(); // its revoke fails: recorded once, retried in the background
    guard.close();
    List<AuditEvent> failed = sink.events().stream()
        .filter(ev -> ev.type().equals(AuditEvent.SECRET_REVOKE_FAILED)).collect(Collectors.toList());
    assertEquals(1, failed.size());
    assertEquals(use.user(), failed.get(0).attributes().get("lease.principal"));
    assertEquals("postgresql", failed.get(0).attributes().get("secret.broker"));
    assertEquals("java.sql.SQLException", failed.get(0).error());
  }

  @Test
  void leftoverRolesAreRemovedOnStartOnlyWhenExpiredOrOwnedByTheStartingInstance() throws Exception {
    RoleNames names = new RoleNames("agentguard_");
    String expired = names.newRole("other-guard");
    String liveOfOther = names.newRole("other-guard");
    String ownEarlierRun = names.newRole("pod-7");
    String past = Instant.now().minus(Duration.ofMinutes(1)).toString();
    String future = Instant.now().plus(Duration.ofMinutes(30)).toString();
    server.superuser("CREATE ROLE " + expired + " LOGIN VALID UNTIL '" + past + "'",
        "CREATE ROLE " + liveOfOther + " LOGIN VALID UNTIL '" + future + "'",
        "CREATE ROLE " + ownEarlierRun + " LOGIN VALID UNTIL '" + future + "'",
        "CREATE ROLE agentguard_not_a_lease LOGIN VALID UNTIL '" + past + "'");
    guard(server.broker().build(), b -> b.instanceId("pod-7"));
    assertEquals(List.of(liveOfOther, "agentguard_not_a_lease").stream().sorted().collect(Collectors.toList()),
        server.roles("agentguard_"));
    server.superuser("DROP ROLE " + liveOfOther, "DROP ROLE agentguard_not_a_lease");
  }

  @Test
  void processKilledMidTaskLeavesARoleTheNextStartRemoves() throws Exception {
    String instance = "killed-" + Long.toHexString(System.nanoTime());
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LeaseHolderMain.class.getName(), server.url, instance);
    pb.redirectErrorStream(true);
    Process child = pb.start();
    String role = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ROLE ")) {
          role = line.substring(5).trim();
          break;
        }
      }
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(role != null, "the child printed no role");
    assertEquals(List.of(role), server.roles(role)); // the killed process left its role behind
    guard(server.broker().build(), b -> b.instanceId(instance)); // the next start of that instance
    assertEquals(List.of(), server.roles(role));
  }

  @Test
  void configuredNamesCannotInjectAndRevokeTouchesOnlyLeaseRoles() {
    assertThrows(IllegalArgumentException.class,
        () -> PostgresSecretBroker.builder(server.url).templateRole("orders_reader\"; DROP TABLE orders; --"));
    assertThrows(IllegalArgumentException.class, () -> PostgresSecretBroker.builder(server.url).rolePrefix("Ag-"));
    assertThrows(IllegalArgumentException.class,
        () -> PostgresSecretBroker.builder(server.url + "?password=x"));
    PostgresSecretBroker broker = server.broker().build();
    SecretLease foreign = SecretLease.of("x", PgServer.BROKER_USER, Instant.now(), Map.of(),
        SecretValue.of(new char[] {'x'}));
    assertThrows(IllegalArgumentException.class, () -> broker.revoke(foreign));
    assertEquals(List.of(PgServer.BROKER_USER), server.roles(PgServer.BROKER_USER));
  }

  @Test
  void missingTemplateRoleFailsTheGuardStartLoudly() {
    PostgresSecretBroker broker = PostgresSecretBroker.builder(server.url)
        .admin(PgServer.BROKER_USER, PgServer.BROKER_PASSWORD).templateRole("no_such_role").build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> guard(broker, b -> b));
    assertTrue(e.getMessage().contains("secret broker 'orders-db' (postgresql) could not be opened"), e.getMessage());
    assertTrue(e.getCause().getMessage().contains("template role no_such_role does not exist"), e.getCause().getMessage());
  }

  @Test
  void instanceIdsThatFoldAlikeGetDifferentOwnerTags() {
    RoleNames names = new RoleNames("agentguard_");
    assertNotEquals(names.ownerPrefix("pod.a"), names.ownerPrefix("pod_a"));
    String role = names.newRole("Pod:A/ü".repeat(20).substring(0, 100).replace('/', '-'));
    assertTrue(role.length() <= 63, role);
    assertTrue(role.matches("[a-z0-9_]+"), role);
    assertTrue(names.isLeaseRole(role));
  }

  @Test
  void brokerIssuesDirectlyForTheBenchmarkContract() throws Exception {
    PostgresSecretBroker broker = server.broker().build();
    broker.open("direct");
    Instant notAfter = Instant.now().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS);
    SecretLease lease = broker.issue(new LeaseRequest("orders-db", "direct", "task-1", BOT.id(), notAfter));
    String password = lease.secret().reveal();
    PASSWORDS.add(password);
    assertFalse(lease.toString().contains(password));
    server.login(lease.principal(), password).close();
    broker.revoke(lease);
    broker.revoke(lease); // idempotent
    assertLoginRefused(lease.principal(), password);
    broker.close();
  }
}
