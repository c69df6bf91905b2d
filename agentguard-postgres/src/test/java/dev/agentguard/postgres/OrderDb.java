package dev.agentguard.postgres;

import dev.agentguard.AgentTool;
import dev.agentguard.Risk;
import dev.agentguard.SecretLease;
import dev.agentguard.ToolCall;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/** The tools of the tests: one reads the orders table with its per-task login, one declares nothing. */
public interface OrderDb {
  @AgentTool(value = "orders.count", action = "read", risk = Risk.LOW, secrets = "orders-db")
  long count() throws SQLException;

  @AgentTool(value = "orders.peek", action = "read", risk = Risk.LOW)
  String peek();

  /** Connects as the lease, counts, and keeps the connection open (the test checks it is terminated). */
  final class Impl implements OrderDb {
    /** Login, password and the connection each call used, in call order. */
    record Use(String user, String password, Connection connection) {}

    final List<Use> uses = new CopyOnWriteArrayList<>();

    @Override
    public long count() throws SQLException {
      SecretLease lease = ToolCall.current().secret("orders-db");
      Properties p = new Properties();
      p.setProperty("user", lease.principal());
      p.setProperty("password", lease.secret().reveal());
      Connection c = DriverManager.getConnection(lease.details().get("jdbcUrl"), p);
      uses.add(new Use(lease.principal(), p.getProperty("password"), c));
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    public String peek() {
      return ToolCall.current().secret("orders-db").principal();
    }

    Use last() {
      return uses.get(uses.size() - 1);
    }
  }
}
