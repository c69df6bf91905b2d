package dev.agentguard.benchmarks;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretBroker;
import dev.agentguard.SecretLease;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.PolicySet;
import dev.agentguard.postgres.PostgresSecretBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of per-task secrets. {@code postgresIssue} and {@code postgresRevoke} sample the latency
 * (SampleTime: p50, p99) of one lease issue ({@code CREATE ROLE ... VALID UNTIL ... IN ROLE}) and one
 * revoke ({@code NOLOGIN}, terminate sessions, {@code DROP ROLE}) against an embedded PostgreSQL on
 * loopback through the broker's least-privilege admin login. {@code guardedCall} is one LOW-risk
 * guarded call in a task that never asks for a secret, with {@code secrets=none} (no broker) and
 * {@code secrets=configured} (a broker configured; the call's tool declares no secret): the difference
 * is what the feature costs a task that does not use it.
 *
 * <p>Run (after {@code mvn -B -Pbench package -pl agentguard-benchmarks -am -DskipTests}):
 * <pre>
 * java -jar agentguard-benchmarks/target/benchmarks.jar SecretLeaseBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 *
 * @since 0.2.0
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class SecretLeaseBenchmark {
  private static final AgentIdentity AGENT = AgentIdentity.of("agent-bench");

  /** An embedded PostgreSQL with a template role and a least-privilege broker login, and the broker. */
  @State(Scope.Benchmark)
  public static class Postgres {
    EmbeddedPostgres pg;
    PostgresSecretBroker broker;
    final List<SecretLease> issued = new ArrayList<>();

    /** Starts the server and opens the broker. */
    @Setup(Level.Trial)
    public void start() throws IOException, SQLException {
      pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE ROLE bench_reader NOLOGIN");
        st.execute("CREATE ROLE secret_broker LOGIN CREATEROLE PASSWORD 'bench-admin'");
        st.execute("GRANT bench_reader TO secret_broker WITH ADMIN OPTION");
        st.execute("GRANT pg_signal_backend TO secret_broker");
      }
      broker = PostgresSecretBroker.builder("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres")
          .admin("secret_broker", "bench-admin".toCharArray()).templateRole("bench_reader").build();
      broker.open("bench");
    }

    LeaseRequest request() {
      return new LeaseRequest("bench-db", "bench", "task-bench", AGENT.id(), Instant.now().plus(Duration.ofMinutes(10)));
    }

    /** Revokes what {@code postgresIssue} issued in the iteration. */
    @TearDown(Level.Iteration)
    public void revokeIssued() throws SQLException {
      for (SecretLease l : issued) {
        broker.revoke(l);
      }
      issued.clear();
    }

    /** Stops the server. */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
      broker.close();
      pg.close();
    }
  }

  /** One fresh lease per {@code postgresRevoke} invocation, issued outside the measurement. */
  @State(Scope.Thread)
  public static class ToRevoke {
    SecretLease lease;

    /** Issues the lease the next invocation revokes. */
    @Setup(Level.Invocation)
    public void issue(Postgres p) throws SQLException {
      lease = p.broker.issue(p.request());
    }
  }

  /** A guard with or without a broker, and a task bound to the benchmark thread that never asks for a secret. */
  @State(Scope.Thread)
  public static class Guarded {
    /** {@code none}: no broker; {@code configured}: a broker the task never uses. */
    @Param({"none", "configured"})
    public String secrets;

    AgentGuard guard;
    GuardFixture.BenchTools tools;
    AgentTask task;

    /** Builds the guard and starts the task. */
    @Setup(Level.Trial)
    public void start() {
      AgentGuard.Builder b = AgentGuard.builder()
          .policy(PolicySet.parse(GuardFixture.POLICY, "secret-bench"))
          .auditSink(GuardFixture.DISCARD)
          .auditOverflow(AuditOverflow.GAP, Duration.ZERO)
          .maxTaskTtl(Duration.ofHours(2));
      if (secrets.equals("configured")) {
        b.secretBroker("unused-db", new SecretBroker() {
          @Override
          public String kind() {
            return "never-called";
          }

          @Override
          public SecretLease issue(LeaseRequest request) {
            throw new IllegalStateException("a task that never asks for a secret reached the broker");
          }

          @Override
          public void revoke(SecretLease lease) {
            throw new IllegalStateException("nothing was issued");
          }
        });
      }
      guard = b.build();
      tools = guard.protect(GuardFixture.BenchTools.class, new GuardFixture.BenchToolsImpl());
      task = guard.startTask(TaskSpec.builder(AGENT).scopes("tickets.read").context("environment", "prod")
          .ttl(Duration.ofHours(2)).build());
      if (!"ticket".equals(tools.read("T-1"))) {
        throw new IllegalStateException("the guarded tool did not run");
      }
    }

    /** Closes the task and the guard. */
    @TearDown(Level.Trial)
    public void stop() {
      task.close();
      guard.close();
    }
  }

  /** Issues one PostgreSQL login (revoked after the iteration). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public SecretLease postgresIssue(Postgres p) throws SQLException {
    SecretLease l = p.broker.issue(p.request());
    synchronized (p.issued) {
      p.issued.add(l);
    }
    return l;
  }

  /** Revokes one PostgreSQL login. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void postgresRevoke(Postgres p, ToRevoke r) throws SQLException {
    p.broker.revoke(r.lease);
  }

  /** One LOW-risk guarded call in a task that never asks for a secret. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String guardedCall(Guarded g) {
    return g.tools.read("T-1");
  }
}
