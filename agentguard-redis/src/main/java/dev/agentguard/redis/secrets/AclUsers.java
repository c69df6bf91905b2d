package dev.agentguard.redis.secrets;

import dev.agentguard.LeaseRequest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the broker's ACL users and checks configured rules. A lease user is
 * {@code <prefix><owner tag>_<expiry epoch seconds>_<12 hex>}: Redis keeps no expiry on ACL users, so
 * the name carries it and any later start of a broker with the same prefix can remove expired users
 * without other state. Thread-safe.
 */
final class AclUsers {
  static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,15}");
  /** A key pattern: visible ASCII, not starting with an ACL rule character. */
  static final Pattern KEY_PATTERN = Pattern.compile("[\\x21-\\x7e&&[^~%&]][\\x21-\\x7e]{0,255}");
  /** A command rule: {@code +get}, {@code -flushall}, {@code +@read}, {@code +client|getname}. */
  static final Pattern COMMAND_RULE = Pattern.compile("[+-](@[a-z]+|[a-z][a-z0-9_-]*(\\|[a-z][a-z0-9_-]*)?)");
  private static final Pattern TAIL = Pattern.compile("[a-z0-9_]{1,20}_[0-9a-f]{6}_([0-9]{1,12})_[0-9a-f]{12}");

  private final String prefix;
  private final SecureRandom random = new SecureRandom();

  AclUsers(String prefix) {
    this.prefix = prefix;
  }

  /** The prefix of every user of the guard with {@code instanceId}. */
  String ownerPrefix(String instanceId) {
    return prefix + LeaseRequest.ownerTag(instanceId) + "_";
  }

  /** A fresh user name for a lease that expires at {@code notAfter}. */
  String newUser(String instanceId, Instant notAfter) {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return ownerPrefix(instanceId) + notAfter.getEpochSecond() + "_" + HexFormat.of().formatHex(b);
  }

  /** The expiry a lease user's name carries, or {@code null} when {@code user} is not a lease user. */
  Instant expiryOf(String user) {
    if (user == null || !user.startsWith(prefix)) {
      return null;
    }
    Matcher m = TAIL.matcher(user.substring(prefix.length()));
    return m.matches() ? Instant.ofEpochSecond(Long.parseLong(m.group(1))) : null;
  }
}
