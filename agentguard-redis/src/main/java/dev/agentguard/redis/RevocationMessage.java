package dev.agentguard.redis;

/**
 * One line on the fleet's revocation channel: {@code kind|seq|keepUntil|origin|id}, where kind is
 * {@code c} (credential), {@code t} (task), {@code a} (agent) or {@code h} (a guard's heartbeat, id =
 * its nonce). The id is last, so it may contain anything, {@code |} included.
 */
record RevocationMessage(char kind, long seq, long keepUntilMillis, String origin, String id) {

  /** Parses a channel line; {@code null} for anything malformed (logged by the caller, never applied). */
  static RevocationMessage parse(String line) {
    if (line == null || line.length() < 2 || line.charAt(1) != '|') {
      return null;
    }
    String[] p = line.split("\\|", 5);
    if (p.length != 5 || p[0].length() != 1 || "ctah".indexOf(p[0].charAt(0)) < 0) {
      return null;
    }
    try {
      return new RevocationMessage(p[0].charAt(0), Long.parseLong(p[1]), Long.parseLong(p[2]), p[3], p[4]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The line of a heartbeat. */
  static String heartbeat(String origin, String nonce) {
    return "h|0|0|" + origin + "|" + nonce;
  }
}
