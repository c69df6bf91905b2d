package dev.agentguard.examples;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.SecretLease;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolCall;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.postgres.PostgresSecretBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The support bot's SQL tool under a per-task database login: starts an embedded PostgreSQL
 * (password authentication, a {@code NOLOGIN} template role {@code support_reader} that may read
 * {@code tickets}, a least-privilege broker login), runs one task whose tool queries with the login
 * the guard minted for it, closes the task, and shows that the database refuses the same login
 * afterwards. The bot never sees a database password; none is printed.
 *
 * <p>Run: {@code mvn -q -pl agentguard-examples -am compile exec:java
 * -Dexec.mainClass=dev.agentguard.examples.SecretsDemo}
 *
 * @since 0.2.0
 */
public final class SecretsDemo {
  private static final char[] BROKER_PASSWORD = "demo-broker-password".toCharArray();

  private SecretsDemo() {}

  /** The support bot's SQL tool. */
  public interface TicketSql {
    /** Open tickets of a customer, read with the task's own login. */
    @AgentTool(value = "tickets.sql", action = "read", risk = Risk.LOW, secrets = "tickets-db")
    List<String> openTickets(@Attr("resource.id") String customer) throws SQLException;
  }

  /** What the tool did, for the demo to show (the login name, never the password). */
  static final class Sql implements TicketSql {
    String login;
    String password; // kept only so the demo can try it again after the task
    Connection connection;

    @Override
    public List<String> openTickets(String customer) throws SQLException {
      SecretLease db = ToolCall.current().secret("tickets-db");
      Properties p = new Properties();
      p.setProperty("user", db.principal());
      p.setProperty("password", db.secret().reveal());
      login = db.principal();
      password = p.getProperty("password");
      connection = DriverManager.getConnection(db.details().get("jdbcUrl"), p);
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT id, subject FROM tickets WHERE customer = ? AND status = 'open' ORDER BY id")) {
        ps.setString(1, customer);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1) + " " + rs.getString(2));
          }
        }
      }
      return out;
    }
  }

  /**
   * Entry point.
   *
   * @param args ignored
   * @throws Exception if the embedded server cannot start
   */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Runs the demo, printing to {@code out}.
   *
   * @return the SQL state the database answered the post-task login with ({@code 28P01} when refused)
   * @throws Exception if the embedded server cannot start
   */
  public static String run(PrintStream out) throws Exception {
    try (EmbeddedPostgres pg = startDatabase()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
      PostgresSecretBroker broker = PostgresSecretBroker.builder(url)
          .admin("secret_broker", BROKER_PASSWORD)
          .templateRole("support_reader")
          .build();
      InMemoryAuditSink sink = AuditSinks.inMemory();
      AgentIdentity bot = AgentIdentity.of("spiffe://acme.example/agent/support-bot");
      Sql impl = new Sql();
      String refusal;
      try (AgentGuard guard = AgentGuard.builder()
          .policy(PolicySet.parse(String.join("\n", "version: 1", "policies:", "  - id: support-sql",
              "    effect: permit", "    agents: [\"spiffe://acme.example/agent/support-*\"]",
              "    tools: [\"tickets.sql\"]", "")))
          .auditSink(sink)
          .secretBroker("tickets-db", broker)
          .build()) {
        TicketSql sql = guard.protect(TicketSql.class, impl);
        out.println("== Secrets: the SQL tool runs under a login minted for this task");
        try (AgentTask task = guard.startTask(TaskSpec.builder(bot).purpose("answer alice")
            .scopes("tickets.sql").ttl(Duration.ofMinutes(5)).build())) {
          out.println("task " + task.id() + " -> tickets.sql(alice): " + sql.openTickets("alice"));
          out.println("  the tool connected as " + impl.login + " (a role of the task, valid until "
              + task.credential().expiresAt() + ")");
        }
        out.println("task closed");
        refusal = tryAgain(url, impl);
        out.println("  same login after the task: " + refusal);
        out.println("  the task's open connection: " + (isDead(impl.connection) ? "terminated" : "STILL OPEN"));
      }
      for (AuditEvent e : sink.events()) {
        if (e.type().startsWith("secret.")) {
          Map<String, Object> a = e.attributes();
          out.println("  audit " + e.type() + " " + a.get("secret") + " " + a.get("secret.broker") + " principal="
              + a.get("lease.principal") + " expires=" + a.get("lease.expiresAt")
              + (e.reasons().isEmpty() ? "" : " (" + e.reasons().get(0) + ")"));
        }
      }
      return refusal;
    }
  }

  private static String tryAgain(String url, Sql impl) {
    Properties p = new Properties();
    p.setProperty("user", impl.login);
    p.setProperty("password", impl.password);
    try (Connection c = DriverManager.getConnection(url, p)) {
      return "ACCEPTED (this should not happen)";
    } catch (SQLException e) {
      return e.getSQLState() + " refused by the database";
    } finally {
      impl.password = null;
    }
  }

  private static boolean isDead(Connection c) {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT 1");
      return false;
    } catch (SQLException e) {
      return true;
    }
  }

  /** An embedded PostgreSQL set up as docs/secrets.md tells an operator to. */
  private static EmbeddedPostgres startDatabase() throws IOException, SQLException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("password_encryption", "scram-sha-256")
        .setDataDirectoryCustomizer(dir -> {
          try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), "local all postgres trust\n"
                + "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE tickets (id text PRIMARY KEY, customer text, subject text, status text)");
      st.execute("INSERT INTO tickets VALUES ('T-1001', 'alice', 'refund not received', 'open'), "
          + "('T-1002', 'alice', 'address change', 'closed'), ('T-1003', 'bob', 'login fails', 'open')");
      st.execute("CREATE ROLE support_reader NOLOGIN");
      st.execute("GRANT SELECT ON tickets TO support_reader");
      st.execute("CREATE ROLE secret_broker LOGIN CREATEROLE PASSWORD '" + new String(BROKER_PASSWORD) + "'");
      st.execute("GRANT support_reader TO secret_broker WITH ADMIN OPTION");
      st.execute("GRANT pg_signal_backend TO secret_broker");
    }
    return pg;
  }
}
