package dev.agentguard.postgres;

import dev.agentguard.LeaseRequest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names and quotes the broker's roles. A lease role is {@code <prefix><owner tag>_<12 hex>}: the
 * prefix from the configuration, the guard's {@link LeaseRequest#ownerTag(String) owner tag} and a
 * random part. At most 56 characters, under PostgreSQL's 63-byte limit;
 * only lower-case letters, digits and underscores, and quoted anyway. Thread-safe.
 */
final class RoleNames {
  /** What a configured prefix may be: a lower-case identifier start, at most 16 characters. */
  static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,15}");
  /** What a configured template role may be named. */
  static final Pattern TEMPLATE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern LEASE_ROLE_TAIL = Pattern.compile("[a-z0-9_]{1,20}_[0-9a-f]{6}_[0-9a-f]{12}");

  private final String prefix;
  private final SecureRandom random = new SecureRandom();

  RoleNames(String prefix) {
    this.prefix = prefix;
  }

  /** The prefix of every role of the guard with {@code instanceId}: {@code <prefix><owner tag>_}. */
  String ownerPrefix(String instanceId) {
    return prefix + LeaseRequest.ownerTag(instanceId) + "_";
  }

  /** A fresh role name for a lease of the guard with {@code instanceId}. */
  String newRole(String instanceId) {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return ownerPrefix(instanceId) + HexFormat.of().formatHex(b);
  }

  /** Whether {@code role} is a name this broker could have made (the only roles it ever alters or drops). */
  boolean isLeaseRole(String role) {
    return role != null && role.startsWith(prefix) && LEASE_ROLE_TAIL.matcher(role.substring(prefix.length())).matches();
  }

  /** {@code "name"} with embedded quotes doubled: a quoted identifier. */
  static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains NUL");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** {@code 'text'} with embedded quotes doubled: a string literal (standard_conforming_strings is on since 9.1). */
  static String literal(String text) {
    if (text.indexOf('\0') >= 0 || text.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("literal contains NUL or backslash");
    }
    return '\'' + text.replace("'", "''") + '\'';
  }
}
