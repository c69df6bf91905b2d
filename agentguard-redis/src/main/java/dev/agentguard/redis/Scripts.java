package dev.agentguard.redis;

/** The Lua scripts the fleet runs; each is atomic on the server. */
final class Scripts {
  private Scripts() {}

  /**
   * Stores one revocation and announces it, atomically (a guard that subscribed before it runs gets
   * the message; one that resynchronises after it reads the entry). Drops expired entries of the
   * same kind (up to 100 per run) and lets the key expire with its latest entry. For an agent it
   * also takes the next fleet sequence number, which guards compare instead of clocks.
   *
   * <p>Keep-until times are on the writing guards' clocks, so expiry is judged by the writer's clock
   * ({@code ARGV[6]}) and set as a relative {@code PEXPIRE}, never against the server's clock: a
   * server whose clock differs from the guards' never drops an entry early.
   *
   * <p>KEYS: the kind's sorted set, the agent-seq hash, the seq counter. ARGV: kind ({@code c},
   * {@code t} or {@code a}), id, keep-until millis, channel, origin, the writer's now in millis.
   * Returns the sequence number (0 for credentials and tasks).
   */
  static final String REVOKE = String.join("\n",
      "local keep = tonumber(ARGV[3])",
      "local old = redis.call('ZSCORE', KEYS[1], ARGV[2])",
      "if (not old) or tonumber(old) < keep then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2]) end",
      "local now = tonumber(ARGV[6])",
      "local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[6], 'LIMIT', 0, 100)",
      "for _, e in ipairs(expired) do",
      "  redis.call('ZREM', KEYS[1], e)",
      "  if ARGV[1] == 'a' then redis.call('HDEL', KEYS[2], e) end",
      "end",
      "local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')",
      "local ttl = 1000",
      "if top[2] then ttl = math.max(1000, tonumber(top[2]) - now) end",
      "redis.call('PEXPIRE', KEYS[1], ttl)",
      "local seq = 0",
      "if ARGV[1] == 'a' then",
      "  seq = redis.call('INCR', KEYS[3])",
      "  redis.call('HSET', KEYS[2], ARGV[2], seq)",
      "  redis.call('PEXPIRE', KEYS[2], ttl)",
      "end",
      "redis.call('PUBLISH', ARGV[4], ARGV[1] .. '|' .. seq .. '|' .. ARGV[3] .. '|' .. ARGV[5] .. '|' .. ARGV[2])",
      "return seq");

  /**
   * Takes one slot of a rate window when fewer than the maximum are taken. KEYS: the window's
   * counter. ARGV: max, expiry millis. Returns 1 when taken, 0 when full.
   */
  static final String ACQUIRE = String.join("\n",
      "local n = tonumber(redis.call('GET', KEYS[1]) or '0')",
      "if n >= tonumber(ARGV[1]) then return 0 end",
      "redis.call('INCR', KEYS[1])",
      "redis.call('PEXPIRE', KEYS[1], ARGV[2])",
      "return 1");

  /** Gives a slot back, never below zero. KEYS: the window's counter. Returns the count left. */
  static final String RELEASE = String.join("\n",
      "local n = tonumber(redis.call('GET', KEYS[1]) or '0')",
      "if n > 0 then return redis.call('DECR', KEYS[1]) end",
      "return 0");

  /**
   * Registers one guard instance (hash with expiry, sorted set by server time, first-seen time of
   * its policy version, by the server's clock). KEYS: instance hash, instances set, first-seen hash.
   * ARGV: id, host, policy version ('' for none), audit health, expiry millis.
   */
  static final String REGISTER = String.join("\n",
      "local t = redis.call('TIME')",
      "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
      "redis.call('HSET', KEYS[1], 'instance', ARGV[1], 'host', ARGV[2], 'policyVersion', ARGV[3],"
          + " 'auditHealth', ARGV[4], 'heartbeatAt', tostring(now))",
      "redis.call('PEXPIRE', KEYS[1], ARGV[5])",
      "redis.call('ZADD', KEYS[2], now, ARGV[1])",
      "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 10 * tonumber(ARGV[5]))",
      "if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[3], tostring(now)) end",
      "return now");
}
