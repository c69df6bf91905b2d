package dev.agentguard;

/**
 * A policy document could not be loaded. Says where ({@link #source()}, {@link #line()},
 * {@link #column()}), which value was wrong ({@link #value()}) and what was expected.
 *
 * @since 0.1.0
 */
public class PolicyException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String value;
  private final String problem;

  /**
   * @param source file name or {@code "<string>"}
   * @param line 1-based line, or 0 when unknown
   * @param column 1-based column, or 0 when unknown
   * @param value the offending value (shortened by the caller when long), or {@code null}
   * @param problem what is wrong and what was expected
   */
  public PolicyException(String source, int line, int column, String value, String problem) {
    super(format(source, line, column, value, problem));
    this.source = source;
    this.line = line;
    this.column = column;
    this.value = value;
    this.problem = problem;
  }

  private static String format(String source, int line, int column, String value, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ").append(problem);
    if (value != null) {
      sb.append(" (found '").append(value).append("')");
    }
    return sb.toString();
  }

  /** The file or name the document came from. */
  public String source() {
    return source;
  }

  /** 1-based line of the problem, 0 when unknown. */
  public int line() {
    return line;
  }

  /** 1-based column of the problem, 0 when unknown. */
  public int column() {
    return column;
  }

  /** The offending value, or {@code null}. */
  public String value() {
    return value;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }
}
