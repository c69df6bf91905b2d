package dev.agentguard;

/**
 * Thrown instead of invoking a tool when the call is denied. The tool body never ran.
 *
 * @since 0.1.0
 */
public class AccessDeniedException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  private final transient Decision decision;
  private final String tool;

  /**
   * @param tool the tool that was called
   * @param decision the deny decision
   */
  public AccessDeniedException(String tool, Decision decision) {
    super(tool + " denied: " + decision.code() + " " + String.join("; ", decision.reasons()));
    this.tool = tool;
    this.decision = decision;
  }

  /** The deny decision, with code, reasons and the rules that denied. */
  public Decision decision() {
    return decision;
  }

  /** The machine-readable code, same as {@code decision().code()}. */
  public DenyCode code() {
    return decision.code();
  }

  /** The tool that was denied. */
  public String tool() {
    return tool;
  }
}
