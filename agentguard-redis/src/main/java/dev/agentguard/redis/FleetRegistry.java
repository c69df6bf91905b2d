package dev.agentguard.redis;

import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditHealth;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Registers guards of this process in the fleet (a hash per instance with an expiry, refreshed on
 * every heartbeat) and lists the fleet. Thread-safe.
 */
final class FleetRegistry {
  private final FleetKeys keys;
  private final RedisCommands<String, String> redis;
  private final long ttlMillis;
  private final String host;
  private final List<AgentGuard> guards = new CopyOnWriteArrayList<>();

  FleetRegistry(FleetKeys keys, RedisCommands<String, String> redis, long ttlMillis) {
    this.keys = keys;
    this.redis = redis;
    this.ttlMillis = ttlMillis;
    this.host = localHost();
  }

  void add(AgentGuard guard) {
    guards.add(guard);
    register(guard);
  }

  /** Refreshes every registration; a guard that fails to register now is retried next beat. */
  void heartbeat() {
    for (AgentGuard g : guards) {
      register(g);
    }
  }

  private void register(AgentGuard g) {
    redis.eval(Scripts.REGISTER, ScriptOutputType.INTEGER,
        new String[] {keys.instance(g.instanceId()), keys.instances(), keys.policyFirstSeen()},
        g.instanceId(), host, g.policyVersion().orElse(""), health(g.auditHealth()), String.valueOf(ttlMillis));
  }

  /** Removes the registrations of every guard registered here (their hashes and places in the set). */
  void removeAll() {
    for (AgentGuard g : guards) {
      redis.del(keys.instance(g.instanceId()));
      redis.zrem(keys.instances(), g.instanceId());
    }
    guards.clear();
  }

  FleetView view() {
    List<Map<String, String>> live = new ArrayList<>();
    for (String id : redis.zrange(keys.instances(), 0, -1)) {
      Map<String, String> h = redis.hgetall(keys.instance(id));
      if (h != null && !h.isEmpty()) {
        live.add(h);
      }
    }
    Map<String, Long> firstSeen = new HashMap<>();
    for (Map<String, String> h : live) {
      String v = h.getOrDefault("policyVersion", "");
      if (!v.isEmpty() && !firstSeen.containsKey(v)) {
        String at = redis.hget(keys.policyFirstSeen(), v);
        firstSeen.put(v, at == null ? Long.MIN_VALUE : Long.parseLong(at));
      }
    }
    Optional<String> newest = firstSeen.entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey);
    List<FleetMember> members = new ArrayList<>();
    for (Map<String, String> h : live) {
      String v = h.getOrDefault("policyVersion", "");
      Optional<String> version = v.isEmpty() ? Optional.empty() : Optional.of(v);
      members.add(new FleetMember(h.getOrDefault("instance", "?"), h.getOrDefault("host", "?"), version,
          h.getOrDefault("auditHealth", "?"), Instant.ofEpochMilli(Long.parseLong(h.getOrDefault("heartbeatAt", "0"))),
          !version.equals(newest)));
    }
    members.sort(Comparator.comparing(FleetMember::instanceId));
    return new FleetView(members, newest);
  }

  static String health(AuditHealth h) {
    if (h.healthy()) {
      return "healthy";
    }
    if (h.writerStopped()) {
      return "writer-stopped";
    }
    if (!h.accepting()) {
      return "closed";
    }
    return "failing-sink";
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
