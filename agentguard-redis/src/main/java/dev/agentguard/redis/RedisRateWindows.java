package dev.agentguard.redis;

import dev.agentguard.core.spi.RateWindows;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Fleet-wide {@link RateWindows}: one counter per {@code (agent, limit, window)} in Redis, taken by
 * an atomic Lua script (one round trip per covered call), expiring two minutes after it was last
 * touched. A command that fails or does not answer within the fleet's command timeout is
 * {@link Outcome#UNAVAILABLE}, which the guard turns into {@code LIMIT_EXCEEDED} naming this store:
 * a covered call is never allowed uncounted. Calls no {@code maxCallsPerMinute} covers never reach
 * Redis.
 *
 * <p>Windows are numbered by each guard from its own clock; guards whose clocks differ by a few
 * seconds count a boundary call into neighbouring windows (see docs/fleet.md). Thread-safe.
 */
final class RedisRateWindows implements RateWindows {
  private static final String EXPIRY_MILLIS = "120000";

  private final FleetKeys keys;
  private final RedisCommands<String, String> redis;
  private final String describe;

  RedisRateWindows(FleetKeys keys, RedisCommands<String, String> redis, String describe) {
    this.keys = keys;
    this.redis = redis;
    this.describe = describe;
  }

  @Override
  public Outcome acquire(String agentId, String limitId, long window, long max) {
    try {
      Long taken = redis.eval(Scripts.ACQUIRE, ScriptOutputType.INTEGER,
          new String[] {keys.rate(agentId, limitId, window)}, String.valueOf(max), EXPIRY_MILLIS);
      return taken != null && taken == 1 ? Outcome.ALLOWED : Outcome.DENIED;
    } catch (RuntimeException e) {
      return Outcome.UNAVAILABLE;
    }
  }

  @Override
  public Outcome available(String agentId, String limitId, long window, long max) {
    try {
      String n = redis.get(keys.rate(agentId, limitId, window));
      return (n == null ? 0 : Long.parseLong(n)) < max ? Outcome.ALLOWED : Outcome.DENIED;
    } catch (RuntimeException e) {
      return Outcome.UNAVAILABLE;
    }
  }

  @Override
  public void release(String agentId, String limitId, long window) {
    redis.eval(Scripts.RELEASE, ScriptOutputType.INTEGER, new String[] {keys.rate(agentId, limitId, window)});
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public String toString() {
    return "RedisRateWindows[" + describe + "]";
  }
}
