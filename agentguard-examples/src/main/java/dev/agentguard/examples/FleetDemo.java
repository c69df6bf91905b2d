package dev.agentguard.examples;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import dev.agentguard.redis.FleetMember;
import dev.agentguard.redis.RedisFleet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import redis.embedded.RedisServer;

/**
 * Two guards of one fleet share revocations through Redis: the agent is revoked on "pod-a", and its
 * task on "pod-b" is denied a moment later; then the fleet registry lists both pods. Starts the
 * Redis 6.2 binary embedded in {@code com.github.codemonstur:embedded-redis} on a free loopback
 * port, so it needs nothing installed.
 *
 * <p>Run: {@code mvn -q -pl agentguard-examples -am compile exec:java
 * -Dexec.mainClass=dev.agentguard.examples.FleetDemo -Ddemo.main=dev.agentguard.examples.FleetDemo}
 *
 * @since 0.2.0
 */
public final class FleetDemo {
  private FleetDemo() {}

  /** The tool both pods expose. */
  public interface Refunds {
    /** Refunds an order. */
    @AgentTool(value = "refunds.issue", action = "write", risk = Risk.HIGH)
    String refund(@Attr("resource.id") String orderId);
  }

  private static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: refunds",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/refund-bot\"]",
      "    tools: [\"refunds.issue\"]",
      "");

  /**
   * Entry point.
   *
   * @param args ignored
   * @throws IOException if Redis cannot be started
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
    redis.start();
    try (RedisFleet fleetA = fleet(port); RedisFleet fleetB = fleet(port)) {
      AgentGuard podA = guard("pod-a", fleetA);
      AgentGuard podB = guard("pod-b", fleetB);
      Refunds refundsB = podB.protect(Refunds.class, orderId -> "refunded " + orderId);
      AgentIdentity bot = AgentIdentity.of("spiffe://acme.example/agent/refund-bot");
      AgentTask task = podB.startTask(TaskSpec.builder(bot).scopes("refunds.*").ttl(Duration.ofMinutes(5)).build());
      System.out.println("pod-b: " + refundsB.refund("A-1"));

      podA.revokeAgent(bot.id());
      long revoked = System.nanoTime();
      System.out.println("pod-a: revoked " + bot.id() + " for the whole fleet");
      while (true) {
        try {
          refundsB.refund("A-2");
          Thread.sleep(1);
        } catch (AccessDeniedException e) {
          System.out.printf("pod-b: denied %s %.2f ms later: %s%n", e.code(), (System.nanoTime() - revoked) / 1e6,
              e.decision().reasons());
          break;
        }
      }
      System.out.println("fleet " + fleetA.namespace() + ":");
      for (FleetMember m : fleetA.view().members()) {
        System.out.println("  " + m.instanceId() + " on " + m.host() + ", policy "
            + m.policyVersion().orElse("none") + ", audit " + m.auditHealth() + (m.outdated() ? ", OUTDATED" : ""));
      }
      task.close();
      podA.close();
      podB.close();
    } finally {
      redis.stop();
    }
  }

  private static RedisFleet fleet(int port) {
    return RedisFleet.builder().uri("redis://127.0.0.1:" + port).namespace("demo").build();
  }

  private static AgentGuard guard(String id, RedisFleet fleet) {
    AgentGuard g = AgentGuard.builder()
        .instanceId(id)
        .policy(PolicySet.parse(POLICY, "refunds.yaml"))
        .auditSink(AuditSinks.inMemory())
        .revocationStore(fleet.revocationStore())
        .rateWindows(fleet.rateWindows())
        .build();
    fleet.register(g);
    return g;
  }
}
