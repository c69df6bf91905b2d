package dev.agentguard.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Entry point of the {@code agentguard} command line.
 *
 * <p>Exit codes: {@value #OK} success, {@value #BAD} when the thing checked is bad (a policy that does
 * not load, a failing policy test, a trail that does not verify, a replay that changes decisions
 * under {@code --fail-on-change}), {@value #USAGE} for usage errors (unknown options, missing or
 * unreadable files). User mistakes are reported in one line without a stack trace.
 *
 * @since 0.2.0
 */
public final class Main {
  /** Success. */
  public static final int OK = 0;
  /** The policy, test or trail that was checked is bad. */
  public static final int BAD = 1;
  /** A usage error: bad options, a missing or unreadable file. */
  public static final int USAGE = 2;
  /** A defect of the CLI itself (reported with its stack trace). */
  public static final int INTERNAL = 3;

  private Main() {}

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the command line in-process, writing to the given streams; never exits the JVM.
   * Thread-safe: each call builds its own command objects.
   *
   * @param out standard output
   * @param err standard error
   * @param args the arguments
   * @return the exit code
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new AgentGuardCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof CliException) {
        CliException ce = (CliException) e;
        commandLine.getErr().println("agentguard: " + ce.getMessage());
        return ce.exitCode();
      }
      commandLine.getErr().println("agentguard: internal error (please report it): " + e);
      e.printStackTrace(commandLine.getErr());
      return INTERNAL;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
