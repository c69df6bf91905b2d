package dev.agentguard.examples;

import dev.agentguard.examples.springai.SpringAiScenario;

/**
 * A Spring Boot support assistant whose {@code ChatClient} comes from the auto-configured builder:
 * the AgentGuard starter guards every {@code @Tool} + {@code @AgentTool} bean method, hides tools the
 * task may not use, and the model re-plans around a refused exfiltration; the audit trail shows every
 * decision. Runs offline with a scripted model.
 *
 * <p>Run: {@code mvn -B -q -pl agentguard-examples -am compile exec:java -Dexec.mainClass=dev.agentguard.examples.SpringAiDemo}
 */
public final class SpringAiDemo {
  private SpringAiDemo() {}

  /** Runs the application and the conversation and prints them. */
  public static void main(String[] args) throws Exception {
    SpringAiScenario.run(System.out);
  }
}
