package dev.agentguard.redis;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A guard in its own JVM for {@link ChildJvmFleetTest}: joins the fleet at {@code redis://127.0.0.1:<port>},
 * starts one task and answers commands on stdin, one line each: {@code call} (prints {@code ALLOWED}
 * or {@code DENIED <code>}), {@code revoke-agent <id>}, {@code quit}. Prints {@code READY <credential id>
 * <instance id>} first.
 */
public final class ChildGuard {
  private ChildGuard() {}

  /** Runs the child guard; args: the Redis port. */
  public static void main(String[] args) throws Exception {
    try (RedisFleet fleet = RedisFleet.builder().uri("redis://127.0.0.1:" + args[0]).namespace("test")
        .heartbeatInterval(Duration.ofMillis(50)).staleAfter(Duration.ofSeconds(5)).build()) {
      AgentGuard guard = AgentGuard.builder()
          .policy(PolicySet.parse(FleetNode.POLICY))
          .signingKey(dev.agentguard.core.SigningKey.generate())
          .auditSink(AuditSinks.inMemory())
          .revocationStore(fleet.revocationStore())
          .rateWindows(fleet.rateWindows())
          .build();
      fleet.register(guard);
      FleetTools.Impl impl = new FleetTools.Impl();
      FleetTools tools = guard.protect(FleetTools.class, impl);
      AgentTask task = guard.startTask(FleetNode.spec(FleetNode.BOT));
      System.out.println("READY " + task.credential().id() + " " + guard.instanceId());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.equals("call")) {
          try {
            tools.read("child");
            System.out.println("ALLOWED");
          } catch (AccessDeniedException e) {
            System.out.println("DENIED " + e.code());
          }
        } else if (line.startsWith("revoke-agent ")) {
          guard.revokeAgent(line.substring("revoke-agent ".length()));
          System.out.println("REVOKED");
        }
        System.out.flush();
      }
      guard.close();
    }
  }
}
