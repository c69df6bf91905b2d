package dev.agentguard.redis;

import java.util.regex.Pattern;

/**
 * The Redis key layout of one fleet. Every key starts with {@code agentguard:{<namespace>}:}; the
 * braces are a Redis Cluster hash tag, so all keys of a fleet live in one slot and the Lua scripts
 * may touch several of them. Only ids and times are stored, never a token or secret:
 *
 * <ul>
 *   <li>{@code rev:credentials}, {@code rev:tasks}, {@code rev:agents}: sorted sets, member = id,
 *       score = keep-until (epoch millis); each key expires with its latest entry;
 *   <li>{@code rev:agent-seq}: hash agent id -> fleet sequence number of its latest revocation;
 *   <li>{@code rev:seq}: the fleet's agent-revocation sequence counter;
 *   <li>{@code revocations}: the pub/sub channel revocations and heartbeats are announced on;
 *   <li>{@code rate:<window>:<limit id length>:<limit id>:<agent id>}: per-agent rate window counters;
 *   <li>{@code instances} (sorted set id -> last heartbeat), {@code instance:<id>} (hash, expires),
 *       {@code policy:first-seen} (hash policy version -> when the fleet first ran it).
 * </ul>
 *
 * Immutable, thread-safe.
 */
final class FleetKeys {
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final String namespace;
  private final String prefix;

  FleetKeys(String namespace) {
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got "
          + (namespace == null ? "null" : "\"" + namespace.replaceAll("[^\\x20-\\x7e]", "?") + "\""));
    }
    this.namespace = namespace;
    this.prefix = "agentguard:{" + namespace + "}:";
  }

  String namespace() {
    return namespace;
  }

  String prefix() {
    return prefix;
  }

  String credentials() {
    return prefix + "rev:credentials";
  }

  String tasks() {
    return prefix + "rev:tasks";
  }

  String agents() {
    return prefix + "rev:agents";
  }

  String agentSeq() {
    return prefix + "rev:agent-seq";
  }

  String seq() {
    return prefix + "rev:seq";
  }

  String channel() {
    return prefix + "revocations";
  }

  /** Unambiguous whatever the ids contain: the window is a number and the limit id is length-prefixed. */
  String rate(String agentId, String limitId, long window) {
    return prefix + "rate:" + window + ":" + limitId.length() + ":" + limitId + ":" + agentId;
  }

  String instances() {
    return prefix + "instances";
  }

  String instance(String instanceId) {
    return prefix + "instance:" + instanceId;
  }

  String policyFirstSeen() {
    return prefix + "policy:first-seen";
  }
}
