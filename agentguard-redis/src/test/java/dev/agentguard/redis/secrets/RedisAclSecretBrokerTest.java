package dev.agentguard.redis.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolCall;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.test.StderrCapture;
import dev.agentguard.redis.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #50, #77
/**
 * The Redis ACL broker against a real Redis server (one per class; the broker administers ACLs as a
 * least-privilege user): a lease user reaches only its key patterns and commands, and is deleted, its
 * connections killed, when the task ends. docs/security-cases.md #50
 */
class RedisAclSecretBrokerTest {
  /** A tool that reads the cache with its per-task ACL user and keeps the connection. */
  public interface Cache {
    @AgentTool(value = "cache.read", action = "read", risk = Risk.LOW, secrets = "orders-cache")
    String read(String key);
  }

  private static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");
  private static final AgentIdentity BOT = AgentIdentity.of("spiffe://acme.example/agent/order-bot");
  private static StderrCapture log;
  private static final List<String> PASSWORDS = new CopyOnWriteArrayList<>();
  private static RedisTestServer redis;
  private static RedisClient clients;

  /** One use of a lease: its user, password and the connection the tool opened. */
  record Use(String user, String password, StatefulRedisConnection<String, String> connection) {}

  final List<Use> uses = new CopyOnWriteArrayList<>();
  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final List<AgentGuard> guards = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    log = StderrCapture.start();
    redis = RedisTestServer.start("user secret_broker on >broker-admin-pw -@all +acl +client|kill +time");
    clients = RedisClient.create();
    try (StatefulRedisConnection<String, String> c = clients.connect(uri(null, null))) {
      c.sync().set("orders:1", "alice");
      c.sync().set("secret:1", "do-not-read");
    }
  }

  @AfterAll
  static void stopRedisAndScanTheLog() {
    clients.shutdown();
    redis.close();
    log.close();
    StderrCapture.assertAbsent(log.text(), PASSWORDS, "the test run's log");
  }

  private static RedisURI uri(String user, String password) {
    RedisURI.Builder b = RedisURI.builder().withHost(redis.host()).withPort(redis.port()).withTimeout(Duration.ofSeconds(2));
    if (user != null) {
      b.withAuthentication(user, password.toCharArray());
    }
    return b.build();
  }

  private AgentGuard guard(String instance) {
    RedisAclSecretBroker broker = RedisAclSecretBroker.builder(uri("secret_broker", "broker-admin-pw"))
        .keyPatterns("orders:*").commands("+get", "+ping").build();
    AgentGuard g = AgentGuard.builder().policy(PERMIT_ALL).auditSink(sink).instanceId(instance)
        .secretIssueTimeout(Duration.ofSeconds(3)).secretBroker("orders-cache", broker).build();
    guards.add(g);
    return g;
  }

  private Cache tools(AgentGuard guard) {
    return guard.protect(Cache.class, key -> {
      SecretLease lease = ToolCall.current().secret("orders-cache");
      String password = lease.secret().reveal();
      StatefulRedisConnection<String, String> c = clients.connect(uri(lease.principal(), password));
      uses.add(new Use(lease.principal(), password, c));
      return c.sync().get(key);
    });
  }

  private static TaskSpec spec() {
    return TaskSpec.builder(BOT).scopes("cache.*").ttl(Duration.ofMinutes(5)).build();
  }

  private List<String> leaseUsers() {
    try (StatefulRedisConnection<String, String> c = clients.connect(uri(null, null))) {
      return c.sync().aclUsers().stream().filter(u -> u.startsWith("agentguard_")).collect(Collectors.toList());
    }
  }

  @AfterEach
  void closeAndScanTheSink() {
    guards.forEach(AgentGuard::close);
    uses.forEach(u -> {
      PASSWORDS.add(u.password());
      u.connection().close();
    });
    String events = sink.events().stream().map(AuditEvent::toString).collect(Collectors.joining("\n"));
    for (Use u : uses) {
      assertFalse(events.contains(u.password()), "a lease password appeared in an audit event");
    }
  }

  @Test
  void leaseUserReachesOnlyItsKeysAndCommandsAndDiesWithTheTask() throws Exception {
    AgentGuard guard = guard("cache-1");
    Cache cache = tools(guard);
    AgentTask task = guard.startTask(spec());
    assertEquals("alice", cache.read("orders:1"));
    Use use = uses.get(0);
    RedisCommands<String, String> asLease = use.connection().sync();
    assertThrows(RedisException.class, () -> asLease.get("secret:1")); // NOPERM: key outside the patterns
    assertThrows(RedisException.class, () -> asLease.set("orders:1", "mallory")); // NOPERM: command not granted
    task.close();
    assertTrue(leaseUsers().isEmpty());
    RedisException refused = assertThrows(RedisException.class, () -> clients.connect(uri(use.user(), use.password())));
    assertTrue(String.valueOf(refused.getCause()).contains("WRONGPASS") || refused.getMessage().contains("WRONGPASS"),
        refused.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean killed = false;
    while (!killed && System.nanoTime() < deadline) { // the connection was killed; Lettuce may try to reconnect
      try {
        asLease.ping();
        Thread.sleep(10);
      } catch (RedisException expected) {
        killed = true;
      }
    }
    assertTrue(killed, "the task's connection still answers");
  }

  @Test
  void revokeTaskDeletesTheUserAndConcurrentTasksGetDifferentUsers() throws Exception {
    AgentGuard guard = guard("cache-2");
    Cache cache = tools(guard);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        results.add(pool.submit(() -> {
          try (AgentTask task = guard.startTask(spec())) {
            return cache.read("orders:1");
          }
        }));
      }
      for (Future<String> r : results) {
        assertEquals("alice", r.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(10, uses.stream().map(Use::user).distinct().count());
    assertEquals(List.of(), leaseUsers());
    AgentTask task = guard.startTask(spec());
    cache.read("orders:1");
    guard.revokeTask(task.id());
    assertEquals(List.of(), leaseUsers());
  }

  @Test
  void stoppedServerDeniesWithSecretUnavailable() {
    AgentGuard guard = guard("cache-3");
    Cache cache = tools(guard);
    redis.stop();
    try (AgentTask task = guard.startTask(spec())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> cache.read("orders:1"));
      assertEquals(DenyCode.SECRET_UNAVAILABLE, e.code());
      assertTrue(uses.isEmpty()); // the body never ran
    } finally {
      redis.restart();
    }
  }

  @Test
  void leftoverUsersAreRemovedOnStartWhenExpiredOrOwnedByTheStartingInstance() {
    AclUsers names = new AclUsers("agentguard_");
    String expired = names.newUser("other", Instant.now().minusSeconds(60));
    String liveOfOther = names.newUser("other", Instant.now().plusSeconds(600));
    String ownEarlierRun = names.newUser("cache-4", Instant.now().plusSeconds(600));
    try (StatefulRedisConnection<String, String> c = clients.connect(uri(null, null))) {
      for (String u : List.of(expired, liveOfOther, ownEarlierRun)) {
        c.sync().dispatch(io.lettuce.core.protocol.CommandType.ACL,
            new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
            new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("SETUSER").add(u).add("on"));
      }
    }
    guard("cache-4");
    assertEquals(List.of(liveOfOther), leaseUsers());
    try (StatefulRedisConnection<String, String> c = clients.connect(uri(null, null))) {
      c.sync().aclDeluser(liveOfOther);
    }
  }

  @Test
  void configuredRulesCannotInject() {
    RedisAclSecretBroker.Builder b = RedisAclSecretBroker.builder(uri(null, null));
    assertThrows(IllegalArgumentException.class, () -> b.keyPatterns("orders:* allkeys"));
    assertThrows(IllegalArgumentException.class, () -> b.keyPatterns("~*"));
    assertThrows(IllegalArgumentException.class, () -> b.commands("+@all nopass"));
    assertThrows(IllegalArgumentException.class, () -> b.commands("on"));
    assertThrows(IllegalArgumentException.class, () -> b.commands(">password"));
    assertNotEquals(null, b.keyPatterns("orders:*").commands("+get"));
  }
}
