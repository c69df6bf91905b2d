package dev.agentguard.redis.secrets;

import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretBroker;
import dev.agentguard.SecretLease;
import dev.agentguard.SecretValue;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SecretBroker} that creates one Redis ACL user per task lease:
 * <pre>{@code ACL SETUSER <prefix><owner>_<expiry>_<random> reset on #<sha256 of password> ~<key pattern>... <command rule>...}</pre>
 * limited to the configured key patterns and commands (and no pub/sub channels). The password is 32
 * random bytes ({@link SecureRandom}, base64url); only its SHA-256 travels to the server. Revoke is
 * {@code ACL SETUSER ... off}, {@code CLIENT KILL USER}, {@code ACL DELUSER}.
 *
 * <p>Redis keeps no expiry on ACL users, so this broker cannot have the server end a lease on its
 * own: the user's name carries its expiry, and {@link #open} (every guard start) removes users of the
 * prefix whose expiry passed and every user of the starting instance. Between a crash and the next
 * start an unrevoked user stays valid: run more than one guard, or give tasks short lifetimes.
 *
 * <pre>{@code
 * SecretBroker cache = RedisAclSecretBroker.builder(RedisURI.create("redis://secret_broker:pw@cache:6379"))
 *     .keyPatterns("orders:*")
 *     .commands("+@read", "-keys")
 *     .build();
 * }</pre>
 *
 * <p>The lease's principal is the user name; {@link SecretLease#details()} holds {@code redisUri}
 * (host and port, no credentials). The admin user needs {@code +acl +client|kill +time} and no key
 * access; see docs/secrets.md. Thread-safe.
 *
 * @since 0.2.0
 */
public final class RedisAclSecretBroker implements SecretBroker {
  private static final Logger LOG = LoggerFactory.getLogger(RedisAclSecretBroker.class);
  private static final int PASSWORD_BYTES = 32;

  private final RedisURI adminUri;
  private final List<String> keyPatterns;
  private final List<String> commands;
  private final String prefix;
  private final AclUsers users;
  private final String clientUri;
  private final SecureRandom random = new SecureRandom();
  private final Object lock = new Object();
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  private RedisAclSecretBroker(Builder b) {
    this.adminUri = b.adminUri;
    this.keyPatterns = List.copyOf(b.keyPatterns);
    this.commands = List.copyOf(b.commands);
    this.prefix = b.prefix;
    this.users = new AclUsers(prefix);
    this.clientUri = (adminUri.isSsl() ? "rediss://" : "redis://") + adminUri.getHost() + ":" + adminUri.getPort();
  }

  /**
   * A builder for a broker that administers ACLs through {@code adminUri} (which carries the admin
   * user's credentials; its timeout bounds every call).
   */
  public static Builder builder(RedisURI adminUri) {
    return new Builder(adminUri);
  }

  @Override
  public String kind() {
    return "redis";
  }

  /** Removes lease users of the prefix whose expiry passed (server time) and every user of {@code guardInstance}. */
  @Override
  public void open(String guardInstance) {
    synchronized (lock) {
      RedisCommands<String, String> redis = admin();
      Instant now = Instant.ofEpochSecond(Long.parseLong(redis.time().get(0)));
      String own = users.ownerPrefix(guardInstance);
      for (String user : redis.aclUsers()) {
        Instant expiry = users.expiryOf(user);
        if (expiry != null && (expiry.isBefore(now) || user.startsWith(own))) {
          remove(redis, user);
          LOG.info("removed leftover lease user {} (expired, or left by an earlier run of guard {})", user, guardInstance);
        }
      }
    }
  }

  @Override
  public SecretLease issue(LeaseRequest request) {
    Instant notAfter = request.notAfter();
    String user = users.newUser(request.guardInstance(), notAfter);
    SecretValue secret = SecretValue.generate(random, PASSWORD_BYTES);
    char[] password = secret.chars();
    byte[] ascii = new byte[password.length];
    for (int i = 0; i < password.length; i++) {
      ascii[i] = (byte) password[i]; // base64url: ASCII only
    }
    String hash = "#" + sha256Hex(ascii);
    Arrays.fill(ascii, (byte) 0);
    try {
      CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(user)
          .add("reset").add("on").add(hash).add("resetchannels");
      keyPatterns.forEach(p -> args.add("~" + p));
      commands.forEach(args::add);
      synchronized (lock) {
        try {
          admin().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
        } catch (RuntimeException e) {
          throw scrubbed("creating a lease user failed", e);
        }
      }
      return SecretLease.of(user, user, notAfter, Map.of("redisUri", clientUri), secret);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * Disables the lease's user, kills its connections and deletes it. Succeeds when the user no
   * longer exists.
   *
   * @throws IllegalArgumentException if the principal is not a user name this broker makes
   */
  @Override
  public void revoke(SecretLease lease) {
    String user = lease.principal();
    if (users.expiryOf(user) == null) {
      throw new IllegalArgumentException("not a lease user of prefix " + prefix + ": " + user);
    }
    synchronized (lock) {
      try {
        remove(admin(), user);
      } catch (RuntimeException e) {
        throw scrubbed("revoking lease user " + user + " failed", e);
      }
    }
  }

  private static void remove(RedisCommands<String, String> redis, String user) {
    if (redis.aclGetuser(user) == null) {
      return;
    }
    redis.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
        new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(user).add("off"));
    redis.clientKill(KillArgs.Builder.user(user));
    redis.aclDeluser(user);
  }

  private RedisCommands<String, String> admin() {
    if (connection == null || !connection.isOpen()) {
      if (client == null) {
        client = RedisClient.create(adminUri);
        client.setOptions(ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      }
      connection = client.connect();
    }
    return connection.sync();
  }

  /** The failure without the server's message (which may echo a rule): its type only. */
  private static IllegalStateException scrubbed(String what, RuntimeException e) {
    return new IllegalStateException(what + ": " + e.getClass().getName());
  }

  private static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** Closes the admin connection and client. */
  @Override
  public void close() {
    synchronized (lock) {
      if (connection != null) {
        connection.close();
        connection = null;
      }
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        client = null;
      }
    }
  }

  @Override
  public String toString() {
    return "RedisAclSecretBroker{" + clientUri + ", keys=" + keyPatterns + ", commands=" + commands + "}";
  }

  /**
   * Configures a {@link RedisAclSecretBroker}. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final RedisURI adminUri;
    private final List<String> keyPatterns = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();
    private String prefix;

    private Builder(RedisURI adminUri) {
      this.adminUri = Objects.requireNonNull(adminUri, "adminUri");
    }

    /**
     * Key patterns every lease user may touch (each becomes {@code ~pattern}).
     *
     * @throws IllegalArgumentException unless each is 1 to 256 visible ASCII characters not starting
     *     with {@code ~ % &}
     */
    public Builder keyPatterns(String... patterns) {
      for (String p : patterns) {
        if (p == null || !AclUsers.KEY_PATTERN.matcher(p).matches()) {
          throw new IllegalArgumentException("key pattern must be 1 to 256 visible ASCII characters not starting with "
              + "~ % &, got " + (p == null ? "null" : "one of length " + p.length()));
        }
        keyPatterns.add(p);
      }
      return this;
    }

    /**
     * Command rules every lease user gets, e.g. {@code +@read}, {@code +get}, {@code -keys}.
     *
     * @throws IllegalArgumentException unless each is {@code +} or {@code -} and a command,
     *     {@code command|subcommand} or {@code @category} in lower case
     */
    public Builder commands(String... rules) {
      for (String r : rules) {
        if (r == null || !AclUsers.COMMAND_RULE.matcher(r).matches()) {
          throw new IllegalArgumentException("command rule must look like +get, -keys, +@read or +client|getname, got "
              + (r == null ? "null" : "'" + r.replaceAll("[^\\x21-\\x7e]", "?") + "'"));
        }
        commands.add(r);
      }
      return this;
    }

    /**
     * The prefix of every lease user; default {@code agentguard_}. The broker only ever changes users that carry it.
     *
     * @throws IllegalArgumentException unless 1 to 16 characters of {@code a-z 0-9 _}, not starting with a digit
     */
    public Builder userPrefix(String userPrefix) {
      Objects.requireNonNull(userPrefix, "userPrefix");
      if (prefix != null) {
        throw new IllegalStateException("userPrefix was already set");
      }
      if (!AclUsers.PREFIX.matcher(userPrefix).matches()) {
        throw new IllegalArgumentException("userPrefix must be 1 to 16 characters of a-z 0-9 _ not starting with a "
            + "digit, got one of length " + userPrefix.length());
      }
      this.prefix = userPrefix;
      return this;
    }

    /**
     * Builds the broker; it connects when the guard opens it.
     *
     * @throws IllegalStateException unless at least one key pattern and one command rule were given
     */
    public RedisAclSecretBroker build() {
      if (keyPatterns.isEmpty() || commands.isEmpty()) {
        throw new IllegalStateException("a Redis ACL broker needs keyPatterns(...) and commands(...)");
      }
      if (prefix == null) {
        prefix = "agentguard_";
      }
      return new RedisAclSecretBroker(this);
    }
  }
}
