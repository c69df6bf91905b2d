package dev.agentguard;

import java.nio.charset.StandardCharsets;

/**
 * Parses and validates SPIFFE IDs exactly per the SPIFFE-ID standard (sections 2, 2.1, 2.2, 2.3),
 * with the stricter rules the reference implementations apply: scheme {@code spiffe} in lower case,
 * a trust domain of {@code [a-z0-9._-]} only (at most 255 bytes), no port, userinfo, query,
 * fragment or percent-encoding, path segments of {@code [A-Za-z0-9._-]}, no empty, {@code .} or
 * {@code ..} segment, no trailing slash, at most 2048 bytes in all.
 *
 * <p>Stateless and thread-safe.
 */
final class SpiffeIds {
  static final String PREFIX = "spiffe://";
  static final int MAX_TRUST_DOMAIN_BYTES = 255;

  private SpiffeIds() {}

  /** Whether the id claims to be a SPIFFE ID: it starts with {@code spiffe:} in any case. */
  static boolean looksLikeSpiffe(String id) {
    return id.regionMatches(true, 0, "spiffe:", 0, 7);
  }

  /**
   * Returns {trustDomain, path} of a valid SPIFFE ID; path is "" when the ID has none.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static String[] parse(String id) {
    if (id.getBytes(StandardCharsets.UTF_8).length > AgentIdentity.MAX_ID_BYTES) {
      throw bad("longer than " + AgentIdentity.MAX_ID_BYTES + " bytes");
    }
    if (!id.startsWith(PREFIX)) {
      if (id.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
        throw bad("scheme must be lower-case 'spiffe'");
      }
      throw bad("must start with 'spiffe://'");
    }
    int tdEnd = id.indexOf('/', PREFIX.length());
    if (tdEnd < 0) {
      tdEnd = id.length();
    }
    if (tdEnd == PREFIX.length()) {
      throw bad("trust domain is empty");
    }
    for (int i = PREFIX.length(); i < tdEnd; i++) {
      char c = id.charAt(i);
      if (!isTrustDomainChar(c)) {
        throw bad(describe(c, "trust domain"));
      }
    }
    if (tdEnd - PREFIX.length() > MAX_TRUST_DOMAIN_BYTES) {
      throw bad("trust domain longer than " + MAX_TRUST_DOMAIN_BYTES + " bytes");
    }
    String path = id.substring(tdEnd);
    int segStart = 0;
    while (segStart < path.length()) {
      // path.charAt(segStart) == '/'
      int segEnd = path.indexOf('/', segStart + 1);
      if (segEnd < 0) {
        segEnd = path.length();
      }
      int len = segEnd - segStart - 1;
      if (len == 0) {
        throw bad(segEnd == path.length() ? "path must not end with '/'" : "path has an empty segment");
      }
      for (int i = segStart + 1; i < segEnd; i++) {
        char c = path.charAt(i);
        if (!isPathChar(c)) {
          throw bad(describe(c, "path"));
        }
      }
      if ((len == 1 && path.charAt(segStart + 1) == '.')
          || (len == 2 && path.charAt(segStart + 1) == '.' && path.charAt(segStart + 2) == '.')) {
        throw bad("path has a '.' or '..' segment");
      }
      segStart = segEnd;
    }
    return new String[] {id.substring(PREFIX.length(), tdEnd), path};
  }

  static boolean isTrustDomainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  }

  static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '-' || c == '_';
  }

  private static String describe(char c, String where) {
    switch (c) {
      case ':':
        return where.equals("path") ? "path contains ':'" : "trust domain must not have a port (':')";
      case '@':
        return where + " contains '@' (userinfo is not allowed)";
      case '%':
        return where + " contains '%' (percent-encoding is not allowed)";
      case '?':
        return "query is not allowed ('?')";
      case '#':
        return "fragment is not allowed ('#')";
      default:
        if (where.equals("trust domain") && c >= 'A' && c <= 'Z') {
          return "trust domain must be lower case";
        }
        return where + " contains an invalid character (U+" + String.format("%04X", (int) c) + ")";
    }
  }

  private static IllegalArgumentException bad(String what) {
    return new IllegalArgumentException("invalid SPIFFE ID: " + what);
  }
}
