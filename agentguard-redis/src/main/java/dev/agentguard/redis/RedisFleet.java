package dev.agentguard.redis;

import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.spi.RateWindows;
import dev.agentguard.core.spi.RevocationStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's membership in a fleet of guards that share revocations, per-agent rate limits and a
 * registry through Redis (see {@code docs/fleet.md}). Build one per guard, hand its
 * {@link #revocationStore()} and {@link #rateWindows()} to the guard's builder, then
 * {@link #register} the guard:
 *
 * <pre>{@code
 * RedisFleet fleet = RedisFleet.builder()
 *     .uri("rediss://redis.internal:6379")
 *     .username("agentguard").password(passwordFromVault)
 *     .namespace("payments-prod")
 *     .build();
 * AgentGuard guard = AgentGuard.builder()
 *     .revocationStore(fleet.revocationStore())
 *     .rateWindows(fleet.rateWindows())
 *     ... .build();
 * fleet.register(guard);
 * ...
 * guard.close();
 * fleet.close();
 * }</pre>
 *
 * <p>It holds two connections (commands, and the pub/sub subscription that feeds the local
 * revocation mirror) and one daemon thread that resynchronises, sends heartbeats and refreshes the
 * registration. Thread-safe. The password is never in {@link #toString()}, a log line or an
 * exception.
 *
 * @since 0.2.0
 */
public final class RedisFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisFleet.class);

  private final FleetKeys keys;
  private final String describe;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final ScheduledExecutorService worker;
  private final RedisRevocationStore store;
  private final RedisRateWindows windows;
  private final FleetRegistry registry;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisFleet(Builder b) {
    this.keys = new FleetKeys(b.namespace);
    RedisURI uri = b.redisUri();
    this.describe = "redis " + uri.getHost() + ":" + uri.getPort() + " namespace " + keys.namespace();
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "agentguard-redis-" + keys.namespace());
      t.setDaemon(true);
      return t;
    });
    this.resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), b.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout))
        .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout()).build())
        .build());
    byte[] id = new byte[8];
    new SecureRandom().nextBytes(id);
    String origin = "redis-fleet-" + HexFormat.of().formatHex(id);
    StatefulRedisConnection<String, String> c = null;
    StatefulRedisPubSubConnection<String, String> s = null;
    try {
      c = client.connect();
      s = client.connectPubSub();
    } catch (RuntimeException e) {
      closeQuietly(c, s);
      throw new RedisFleetException("could not connect to " + describe + ": " + Redaction.message(e, b.password), null);
    }
    this.commands = c;
    this.subscription = s;
    this.store = new RedisRevocationStore(keys, commands.sync(), b.clock, b.staleAfter.toMillis(), b.staleDeniesFrom,
        origin, describe, worker);
    this.windows = new RedisRateWindows(keys, commands.sync(), describe);
    this.registry = new FleetRegistry(keys, commands.sync(), b.instanceTtl.toMillis());
    subscription.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        store.onMessage(message);
      }

      @Override
      public void subscribed(String channel, long count) {
        store.subscribed();
        worker.execute(RedisFleet.this::syncIfNeeded);
      }
    });
    subscription.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        store.feedInterrupted();
      }
    });
    try {
      subscription.sync().subscribe(keys.channel());
      firstSync(System.nanoTime() + b.connectTimeout().toNanos());
      store.sendHeartbeat();
    } catch (RuntimeException e) {
      close();
      throw new RedisFleetException("could not subscribe to and read the revocations of " + describe + ": "
          + Redaction.message(e, b.password), null);
    }
    long tick = b.heartbeatInterval.toMillis();
    worker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Resynchronises until the subscription Lettuce reports (its callback may arrive after
   * {@code subscribe} returned, and then marks the view unsynced again) is the one the mirror was
   * read under, so a guard built on this fleet does not start with a stale view.
   *
   * @throws RedisFleetException if that does not happen before {@code deadlineNanos}
   */
  private void firstSync(long deadlineNanos) {
    while (store.subscriptions() == 0 || store.needsResync()) {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new RedisFleetException("the subscription to " + describe + " was not confirmed in time", null);
      }
      if (store.subscriptions() == 0) {
        Thread.onSpinWait();
      } else {
        store.resync();
      }
    }
  }

  /** Starts building a fleet connection. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The fleet's revocation store, for {@code AgentGuard.Builder.revocationStore}: lookups read a
   * local mirror; revocations are written to Redis and announced to every guard of the namespace.
   * One store serves one guard.
   */
  public RevocationStore revocationStore() {
    return store;
  }

  /**
   * The fleet's rate windows, for {@code AgentGuard.Builder.rateWindows}: every guard of the
   * namespace counts an agent's {@code maxCallsPerMinute} in the same Redis counter.
   */
  public RateWindows rateWindows() {
    return windows;
  }

  /**
   * Registers a guard in the fleet (instance id, host, policy version, audit health), refreshed on
   * every heartbeat, and names its revocations by its instance id. Call once, after building the
   * guard with this fleet's store.
   *
   * @throws RedisFleetException if the first registration cannot be written
   */
  public void register(AgentGuard guard) {
    Objects.requireNonNull(guard, "guard");
    store.origin(guard.instanceId());
    try {
      registry.add(guard);
    } catch (RuntimeException e) {
      throw new RedisFleetException("could not register " + guard.instanceId() + " in " + describe + ": "
          + Redaction.message(e, null), null);
    }
  }

  /**
   * Lists the fleet: every guard whose registration has not expired, and which of them run a policy
   * version other than the newest.
   *
   * @throws RedisFleetException if Redis cannot be read
   */
  public FleetView view() {
    try {
      return registry.view();
    } catch (RuntimeException e) {
      throw new RedisFleetException("could not read the fleet from " + describe + ": "
          + Redaction.message(e, null), null);
    }
  }

  /** How many revocations of this guard wait to be written to Redis (retried every heartbeat). */
  public int pendingRevocations() {
    return store.pendingRevocations();
  }

  /** The fleet's namespace. */
  public String namespace() {
    return keys.namespace();
  }

  private void tick() {
    try {
      syncIfNeeded();
      if (!store.needsResync()) {
        store.flushOutbox();
        store.sendHeartbeat();
      }
    } catch (RuntimeException e) {
      store.feedInterrupted();
      LOG.debug("fleet heartbeat on {} failed: {}", describe, e.getClass().getSimpleName());
    }
    try {
      registry.heartbeat();
    } catch (RuntimeException e) {
      LOG.debug("fleet registration on {} failed: {}", describe, e.getClass().getSimpleName());
    }
  }

  private void syncIfNeeded() {
    if (closed.get() || !store.needsResync()) {
      return;
    }
    try {
      store.resync();
      store.sendHeartbeat();
      LOG.info("revocations resynchronised from {}", describe);
    } catch (RuntimeException e) {
      LOG.debug("resync from {} failed, retried on the next heartbeat: {}", describe, e.getClass().getSimpleName());
    }
  }

  /**
   * Stops the heartbeats, removes the registrations of the guards registered here (best effort: if
   * Redis is unreachable they expire on their own) and closes both connections. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    worker.shutdownNow();
    if (registry != null) {
      try {
        registry.removeAll();
      } catch (RuntimeException e) {
        LOG.debug("could not remove the registrations from {}: {}", describe, e.getClass().getSimpleName());
      }
    }
    closeQuietly(commands, subscription);
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static void closeQuietly(StatefulRedisConnection<?, ?> c, StatefulRedisPubSubConnection<?, ?> s) {
    for (AutoCloseable a : new AutoCloseable[] {s, c}) {
      if (a != null) {
        try {
          a.close();
        } catch (Exception ignored) {
          // closing anyway
        }
      }
    }
  }

  @Override
  public String toString() {
    return "RedisFleet[" + describe + "]";
  }

  /**
   * Settings of a fleet connection. Not thread-safe; each setting may be given once.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private String uri;
    private String username;
    private char[] password;
    private Boolean tls;
    private String namespace;
    private Duration staleAfter;
    private Duration heartbeatInterval;
    private Duration commandTimeout;
    private Duration instanceTtl;
    private Risk staleDeniesFrom;
    private Clock clock;

    private Builder() {}

    /**
     * The server, {@code redis://host:port} or {@code rediss://host:port} (TLS); required. Any
     * credentials in it are used but never shown; prefer {@link #username} and {@link #password}.
     */
    public Builder uri(String uri) {
      this.uri = once(this.uri, uri, "uri");
      return this;
    }

    /** The ACL user the guard connects as (Redis 6+); default the server's {@code default} user. */
    public Builder username(String username) {
      this.username = once(this.username, username, "username");
      return this;
    }

    /** The password (copied; clear your array afterwards); never logged or shown. */
    public Builder password(char[] password) {
      this.password = once(this.password, password, "password").clone();
      return this;
    }

    /** Forces TLS on ({@code true}) or off; default: TLS exactly when the scheme is {@code rediss}. */
    public Builder tls(boolean tls) {
      this.tls = once(this.tls, tls, "tls");
      return this;
    }

    /**
     * The fleet: guards share revocations, limits and the registry exactly when they use the same
     * namespace on the same server. 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}; default
     * {@code default}.
     */
    public Builder namespace(String namespace) {
      this.namespace = once(this.namespace, namespace, "namespace");
      new FleetKeys(namespace);
      return this;
    }

    /**
     * How long the revocation mirror may go unconfirmed before calls are denied
     * {@code REVOCATION_UNAVAILABLE}; between 100 ms and 10 minutes, default 5 seconds, and at least
     * twice the heartbeat interval.
     */
    public Builder staleAfter(Duration bound) {
      this.staleAfter = between(once(this.staleAfter, bound, "staleAfter"), Duration.ofMillis(100),
          Duration.ofMinutes(10), "staleAfter");
      return this;
    }

    /**
     * How often the mirror is confirmed and the registration refreshed; between 10 ms and 1 minute,
     * default 1 second.
     */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = between(once(this.heartbeatInterval, interval, "heartbeatInterval"),
          Duration.ofMillis(10), Duration.ofMinutes(1), "heartbeatInterval");
      return this;
    }

    /**
     * How long a command may take before it counts as failed (a rate-limited call is then denied
     * {@code LIMIT_EXCEEDED}); between 1 ms and 30 seconds, default 250 ms.
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = between(once(this.commandTimeout, timeout, "commandTimeout"), Duration.ofMillis(1),
          Duration.ofSeconds(30), "commandTimeout");
      return this;
    }

    /** How long a registration outlives its last heartbeat; between 1 second and 1 hour, default 15 seconds. */
    public Builder instanceTtl(Duration ttl) {
      this.instanceTtl = between(once(this.instanceTtl, ttl, "instanceTtl"), Duration.ofSeconds(1),
          Duration.ofHours(1), "instanceTtl");
      return this;
    }

    /**
     * The lowest tool risk a stale view denies; default {@link Risk#LOW} (every tool). Set it to the
     * guard's elevated risk to keep low-risk tools running while Redis is unreachable.
     */
    public Builder staleDeniesFrom(Risk risk) {
      this.staleDeniesFrom = once(this.staleDeniesFrom, risk, "staleDeniesFrom");
      return this;
    }

    /** The clock the stale bound is measured on; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Connects, subscribes and reads every stored revocation before returning, so a guard built on
     * the store starts with the fleet's view.
     *
     * @throws IllegalStateException if no {@link #uri} was given, or the heartbeat interval is more
     *     than half the stale bound
     * @throws RedisFleetException if the server cannot be reached or refuses the connection
     */
    public RedisFleet build() {
      if (uri == null) {
        throw new IllegalStateException("uri is required, e.g. uri(\"redis://127.0.0.1:6379\")");
      }
      namespace = namespace != null ? namespace : "default";
      staleAfter = staleAfter != null ? staleAfter : Duration.ofSeconds(5);
      heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(1);
      commandTimeout = commandTimeout != null ? commandTimeout : Duration.ofMillis(250);
      instanceTtl = instanceTtl != null ? instanceTtl : Duration.ofSeconds(15);
      staleDeniesFrom = staleDeniesFrom != null ? staleDeniesFrom : Risk.LOW;
      clock = clock != null ? clock : Clock.systemUTC();
      if (heartbeatInterval.multipliedBy(2).compareTo(staleAfter) > 0) {
        throw new IllegalStateException("heartbeatInterval (" + heartbeatInterval
            + ") must be at most half of staleAfter (" + staleAfter + ")");
      }
      return new RedisFleet(this);
    }

    RedisURI redisUri() {
      RedisURI u;
      try {
        u = RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("uri is not a Redis URI (redis://host:port or rediss://host:port): "
            + Redaction.uri(uri), null);
      }
      if (password != null) {
        if (username != null) {
          u.setAuthentication(username, password);
        } else {
          u.setAuthentication(password);
        }
      } else if (username != null) {
        throw new IllegalStateException("username is set but password is not: an ACL user needs both");
      }
      if (tls != null) {
        u.setSsl(tls);
      }
      u.setTimeout(connectTimeout()); // the handshake; commands use TimeoutOptions (commandTimeout)
      return u;
    }

    Duration maxReconnectDelay() {
      Duration quarter = staleAfter.dividedBy(4);
      return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? quarter : Duration.ofSeconds(1);
    }

    Duration connectTimeout() {
      return commandTimeout.compareTo(Duration.ofSeconds(2)) > 0 ? commandTimeout : Duration.ofSeconds(2);
    }

    @Override
    public String toString() {
      return "RedisFleet.Builder[" + (uri == null ? "no uri" : Redaction.uri(uri)) + ", namespace "
          + (namespace == null ? "default" : namespace) + (password == null ? "" : ", password ****") + "]";
    }

    private static <T> T once(T current, T value, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set");
      }
      return Objects.requireNonNull(value, option);
    }

    private static Duration between(Duration value, Duration min, Duration max, String option) {
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }

  /** Keeps passwords out of messages. */
  static final class Redaction {
    private Redaction() {}

    /** The URI without its user-info part. */
    static String uri(String uri) {
      return uri.replaceAll("//[^@/]*@", "//****@");
    }

    /**
     * An exception's type and message and those of its causes, with the password (if any) and any
     * URI user-info masked.
     */
    static String message(Throwable e, char[] password) {
      StringBuilder b = new StringBuilder();
      for (Throwable t = e; t != null && b.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
        b.append(b.length() == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName())
            .append(t.getMessage() == null ? "" : ": " + uri(t.getMessage()));
      }
      String m = b.toString();
      if (password != null && password.length > 0) {
        m = m.replace(new String(password), "****");
      }
      return m;
    }
  }
}
