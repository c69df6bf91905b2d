package dev.agentguard.redis;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** One guard of a test fleet: its own Redis connections, guard, audit sink and tools. */
final class FleetNode implements AutoCloseable {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: fleet-tools",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/*\"]",
      "    tools: [\"fleet.*\"]",
      "limits:",
      "  - id: fleet-rate",
      "    tools: [\"fleet.limited\"]",
      "    maxCallsPerMinute: 40",
      "");

  static final AgentIdentity BOT = AgentIdentity.of("spiffe://acme.example/agent/bot");
  /** One key for the whole test fleet, so any guard can verify any guard's tokens. */
  static final SigningKey KEY = SigningKey.generate();

  final RedisFleet fleet;
  final AgentGuard guard;
  final InMemoryAuditSink sink = AuditSinks.inMemory();
  final FleetTools.Impl impl = new FleetTools.Impl();
  final FleetTools tools;

  FleetNode(RedisTestServer redis, Clock clock) {
    this(redis, clock, b -> b, POLICY);
  }

  FleetNode(RedisTestServer redis, Clock clock, UnaryOperator<RedisFleet.Builder> customize, String policy) {
    fleet = customize.apply(RedisFleet.builder()
        .uri(redis.uri().toString())
        .namespace("test")
        .clock(clock)
        .staleAfter(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(50)))
        .build();
    guard = AgentGuard.builder()
        .policy(PolicySet.parse(policy))
        .clock(clock)
        .signingKey(KEY)
        .auditSink(sink)
        .revocationStore(fleet.revocationStore())
        .rateWindows(fleet.rateWindows())
        .build();
    fleet.register(guard);
    tools = guard.protect(FleetTools.class, impl);
  }

  static TaskSpec spec(AgentIdentity agent) {
    return TaskSpec.builder(agent).scopes("fleet.*").ttl(Duration.ofMinutes(5)).build();
  }

  AgentTask start() {
    return guard.startTask(spec(BOT));
  }

  @Override
  public void close() {
    guard.close();
    fleet.close();
  }
}
