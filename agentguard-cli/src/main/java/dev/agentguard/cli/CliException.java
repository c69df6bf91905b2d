package dev.agentguard.cli;

/**
 * A problem the user can act on (a missing file, a malformed test file): printed as one line
 * without a stack trace, and the command exits with {@link #exitCode()}.
 *
 * @since 0.2.0
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  private CliException(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** A usage error (exit code {@link Main#USAGE}): bad arguments, a missing or unreadable file. */
  static CliException usage(String message) {
    return new CliException(message, Main.USAGE);
  }

  /** The checked input is bad (exit code {@link Main#BAD}). */
  static CliException bad(String message) {
    return new CliException(message, Main.BAD);
  }

  /** The exit code to return. */
  int exitCode() {
    return exitCode;
  }
}
