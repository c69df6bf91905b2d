package dev.agentguard.postgres;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import java.time.Duration;

/**
 * The child JVM of the crash-recovery test: starts a guard as instance {@code args[1]}, obtains a
 * lease in a task, prints the role, and waits to be killed (destroyForcibly) with the task open.
 */
public final class LeaseHolderMain {
  private LeaseHolderMain() {}

  public static void main(String[] args) throws Exception {
    PostgresSecretBroker broker = PostgresSecretBroker.builder(args[0])
        .admin(PgServer.BROKER_USER, PgServer.BROKER_PASSWORD).templateRole(PgServer.TEMPLATE).build();
    AgentGuard guard = AgentGuard.builder()
        .policy(PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n"))
        .auditSink(AuditSinks.inMemory())
        .instanceId(args[1])
        .closeOnShutdown(false)
        .secretBroker("orders-db", broker)
        .build();
    OrderDb.Impl impl = new OrderDb.Impl();
    OrderDb tools = guard.protect(OrderDb.class, impl);
    guard.startTask(TaskSpec.builder(AgentIdentity.of("spiffe://acme.example/agent/order-bot"))
        .scopes("orders.*").ttl(Duration.ofMinutes(30)).build());
    tools.count();
    System.out.println("ROLE " + impl.last().user());
    System.out.flush();
    Thread.sleep(Duration.ofMinutes(5).toMillis()); // killed long before
  }
}
