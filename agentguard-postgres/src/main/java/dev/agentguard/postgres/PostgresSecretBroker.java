package dev.agentguard.postgres;

import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretBroker;
import dev.agentguard.SecretLease;
import dev.agentguard.SecretValue;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SecretBroker} that mints one PostgreSQL login per task:
 * <pre>{@code CREATE ROLE "<prefix><owner>_<random>" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
 *     PASSWORD 'SCRAM-SHA-256$...' VALID UNTIL '<task expiry>' IN ROLE "<template>"}</pre>
 * The password is 32 random bytes ({@link SecureRandom}, base64url); only its SCRAM-SHA-256 verifier,
 * computed here, travels to the server, so statement logging never sees it. The role gets the
 * template role's grants (what the tool needs) and nothing else, and the server refuses it after the
 * task's expiry even if nobody revokes it. Revoke is {@code ALTER ROLE ... NOLOGIN}, then
 * {@code pg_terminate_backend} of the role's sessions (waited for, bounded), then {@code DROP ROLE}.
 * On {@link #open} it removes roles of its prefix whose {@code VALID UNTIL} has passed, and every role
 * of the opening guard's own instance id (a restarted process with the same id owns no live lease),
 * so a killed process leaves nothing usable behind.
 *
 * <pre>{@code
 * SecretBroker db = PostgresSecretBroker.builder("jdbc:postgresql://db.internal:5432/orders")
 *     .admin("secret_broker", adminPassword)
 *     .templateRole("orders_reader")
 *     .build();
 * AgentGuard guard = AgentGuard.builder().policy(policy).secretBroker("orders-db", db).build();
 * }</pre>
 *
 * <p>The lease's {@link SecretLease#principal()} is the role name, {@link SecretLease#details()}
 * holds {@code jdbcUrl}. The broker's admin login needs {@code CREATEROLE}, {@code ADMIN OPTION} on the
 * template role (PostgreSQL 16+) and membership in {@code pg_signal_backend}; see docs/secrets.md.
 * Thread-safe: one admin connection, used by one operation at a time and reopened after a failure.
 *
 * @since 0.2.0
 */
public final class PostgresSecretBroker implements SecretBroker {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSecretBroker.class);
  private static final int PASSWORD_BYTES = 32;

  private final String url;
  private final String adminUser;
  private final char[] adminPassword;
  private final String template;
  private final String prefix;
  private final Duration timeout;
  private final RoleNames names;
  private final SecureRandom random = new SecureRandom();
  private final Object lock = new Object();
  private Connection admin;

  private PostgresSecretBroker(Builder b) {
    this.url = b.url;
    this.adminUser = b.adminUser;
    this.adminPassword = b.adminPassword;
    this.template = b.template;
    this.prefix = b.prefix;
    this.timeout = b.timeout;
    this.names = new RoleNames(prefix);
  }

  /**
   * A builder for a broker of the database at {@code jdbcUrl} (without credentials; tools connect to
   * the same URL with their lease).
   *
   * @throws IllegalArgumentException unless the URL starts with {@code jdbc:postgresql:}
   */
  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  @Override
  public String kind() {
    return "postgresql";
  }

  /**
   * Checks that the template role exists, then removes leftovers: roles of the prefix whose
   * {@code VALID UNTIL} has passed, and every role of {@code guardInstance}.
   *
   * @throws SQLException when the server cannot be reached or the template role is missing
   */
  @Override
  public void open(String guardInstance) throws SQLException {
    synchronized (lock) {
      Connection c = admin();
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, template);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("template role " + template + " does not exist; create it with CREATE ROLE "
                + RoleNames.quote(template) + " NOLOGIN and grant it what the tools need (docs/secrets.md)");
          }
        }
      }
      List<String> leftovers = new ArrayList<>();
      String own = names.ownerPrefix(guardInstance);
      try (PreparedStatement ps = c.prepareStatement("SELECT rolname FROM pg_roles WHERE left(rolname, ?) = ? "
          + "AND (rolvaliduntil < now() OR left(rolname, ?) = ?)")) {
        ps.setInt(1, prefix.length());
        ps.setString(2, prefix);
        ps.setInt(3, own.length());
        ps.setString(4, own);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            leftovers.add(rs.getString(1));
          }
        }
      }
      for (String role : leftovers) {
        if (names.isLeaseRole(role)) {
          drop(c, role);
          LOG.info("removed leftover lease role {} (expired, or left by an earlier run of guard {})", role, guardInstance);
        }
      }
    }
  }

  @Override
  public SecretLease issue(LeaseRequest request) throws SQLException {
    Instant notAfter = request.notAfter();
    String role = names.newRole(request.guardInstance());
    SecretValue secret = SecretValue.generate(random, PASSWORD_BYTES);
    char[] password = secret.chars();
    try {
      String verifier = PasswordUtil.encodeScramSha256(password); // wipes the array it is given
      String sql = "CREATE ROLE " + RoleNames.quote(role) + " LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
          + "NOREPLICATION PASSWORD " + RoleNames.literal(verifier) + " VALID UNTIL "
          + RoleNames.literal(notAfter.toString()) + " IN ROLE " + RoleNames.quote(template);
      synchronized (lock) {
        try (Statement st = admin().createStatement()) {
          st.execute(sql);
        } catch (SQLException e) {
          dropAdmin();
          throw scrubbed("creating a lease role failed", e);
        }
      }
      return SecretLease.of(role, role, notAfter, Map.of("jdbcUrl", url), secret);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * Refuses new logins of the lease's role, terminates its sessions (waiting for them to end, at most
   * the timeout), and drops it. Succeeds when the role no longer exists.
   *
   * @throws IllegalArgumentException if the principal is not a role name this broker makes
   * @throws SQLException when the server cannot be reached or refuses
   */
  @Override
  public void revoke(SecretLease lease) throws SQLException {
    String role = lease.principal();
    if (!names.isLeaseRole(role)) {
      throw new IllegalArgumentException("not a lease role of prefix " + prefix + ": " + role);
    }
    synchronized (lock) {
      try {
        drop(admin(), role);
      } catch (SQLException e) {
        dropAdmin();
        throw scrubbed("revoking lease role " + role + " failed", e);
      }
    }
  }

  private void drop(Connection c, String role) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      exists.setString(1, role);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          return;
        }
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("ALTER ROLE " + RoleNames.quote(role) + " NOLOGIN");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (PreparedStatement kill = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        + "WHERE usename = ? AND pid <> pg_backend_pid()")) {
      kill.setString(1, role);
      while (true) {
        try (ResultSet rs = kill.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0 || System.nanoTime() > deadline) {
            break;
          }
        }
        try {
          Thread.sleep(5); // polling the server until the terminated backends are gone
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("DROP ROLE IF EXISTS " + RoleNames.quote(role));
    }
  }

  private Connection admin() throws SQLException {
    if (admin != null && !admin.isClosed()) {
      return admin;
    }
    Properties p = new Properties();
    p.setProperty("user", adminUser);
    if (adminPassword != null) {
      p.setProperty("password", new String(adminPassword));
    }
    int seconds = (int) Math.max(1, timeout.toSeconds());
    p.setProperty("connectTimeout", Integer.toString(seconds));
    p.setProperty("loginTimeout", Integer.toString(seconds));
    p.setProperty("socketTimeout", Integer.toString(seconds * 2));
    p.setProperty("ApplicationName", "agentguard-secret-broker");
    admin = DriverManager.getConnection(url, p);
    admin.setAutoCommit(true);
    return admin;
  }

  private void dropAdmin() {
    if (admin != null) {
      try {
        admin.close();
      } catch (SQLException ignored) {
        // already broken: the next operation reconnects
      }
      admin = null;
    }
  }

  /**
   * The server's error without its message text (which may quote a statement): the SQL state and
   * class, so nothing secret-derived travels in an exception.
   */
  private static SQLException scrubbed(String what, SQLException e) {
    return new SQLException(what + ": SQL state " + e.getSQLState() + " (" + e.getClass().getSimpleName() + ")",
        e.getSQLState());
  }

  /** Closes the admin connection. */
  @Override
  public void close() {
    synchronized (lock) {
      dropAdmin();
    }
  }

  @Override
  public String toString() {
    return "PostgresSecretBroker{" + url + ", template=" + template + ", prefix=" + prefix + "}";
  }

  /**
   * Configures a {@link PostgresSecretBroker}. Each setting may be given once. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final String url;
    private String adminUser;
    private char[] adminPassword;
    private String template;
    private String prefix;
    private Duration timeout;

    private Builder(String url) {
      Objects.requireNonNull(url, "jdbcUrl");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, got " + url.split("\\?")[0]);
      }
      if (url.contains("password=")) {
        throw new IllegalArgumentException("jdbcUrl must not carry a password; give it to admin(user, password)");
      }
      this.url = url;
    }

    /**
     * The broker's own login (least privilege: see docs/secrets.md). The password is copied.
     *
     * @param password the password, or {@code null} for a server that authenticates the admin otherwise
     */
    public Builder admin(String user, char[] password) {
      if (adminUser != null) {
        throw new IllegalStateException("admin was already set");
      }
      this.adminUser = Objects.requireNonNull(user, "user");
      this.adminPassword = password == null ? null : password.clone();
      return this;
    }

    /**
     * The role whose grants every lease role gets (by membership); it should be {@code NOLOGIN}.
     *
     * @throws IllegalArgumentException unless 1 to 63 characters of {@code A-Z a-z 0-9 _}, not starting with a digit
     */
    public Builder templateRole(String role) {
      Objects.requireNonNull(role, "templateRole");
      if (template != null) {
        throw new IllegalStateException("templateRole was already set");
      }
      if (!RoleNames.TEMPLATE.matcher(role).matches()) {
        throw new IllegalArgumentException("templateRole must be 1 to 63 characters of A-Z a-z 0-9 _ not starting "
            + "with a digit, got one of length " + role.length());
      }
      this.template = role;
      return this;
    }

    /**
     * The prefix of every lease role; default {@code agentguard_}. The broker only ever alters or drops
     * roles that carry it.
     *
     * @throws IllegalArgumentException unless 1 to 16 characters of {@code a-z 0-9 _}, not starting with a digit
     */
    public Builder rolePrefix(String rolePrefix) {
      Objects.requireNonNull(rolePrefix, "rolePrefix");
      if (prefix != null) {
        throw new IllegalStateException("rolePrefix was already set");
      }
      if (!RoleNames.PREFIX.matcher(rolePrefix).matches()) {
        throw new IllegalArgumentException("rolePrefix must be 1 to 16 characters of a-z 0-9 _ not starting with a "
            + "digit, got one of length " + rolePrefix.length());
      }
      this.prefix = rolePrefix;
      return this;
    }

    /** Connect and socket timeout of the admin connection, and how long revoke waits for sessions to end; default 5 s. */
    public Builder timeout(Duration t) {
      Objects.requireNonNull(t, "timeout");
      if (timeout != null) {
        throw new IllegalStateException("timeout was already set");
      }
      if (t.isNegative() || t.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + t);
      }
      this.timeout = t;
      return this;
    }

    /**
     * Builds the broker; it connects when the guard opens it.
     *
     * @throws IllegalStateException if {@link #admin} or {@link #templateRole} was not given
     */
    public PostgresSecretBroker build() {
      if (adminUser == null || template == null) {
        throw new IllegalStateException("a PostgreSQL broker needs admin(user, password) and templateRole(name)");
      }
      if (prefix == null) {
        prefix = "agentguard_";
      }
      if (timeout == null) {
        timeout = Duration.ofSeconds(5);
      }
      return new PostgresSecretBroker(this);
    }
  }
}
