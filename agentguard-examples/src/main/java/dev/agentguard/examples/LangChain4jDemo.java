package dev.agentguard.examples;

import dev.agentguard.examples.langchain4j.LangChain4jScenario;

/**
 * A LangChain4j {@code AiServices} support assistant whose {@code @Tool} methods run through
 * AgentGuard: out-of-scope tools are never offered, a forbidden call comes back to the model as a
 * denial it re-plans around, and the audit trail shows every decision. Runs offline with a scripted
 * model.
 *
 * <p>Run: {@code mvn -B -q -pl agentguard-examples -am compile exec:java -Dexec.mainClass=dev.agentguard.examples.LangChain4jDemo}
 */
public final class LangChain4jDemo {
  private LangChain4jDemo() {}

  /** Runs the conversation and prints it. */
  public static void main(String[] args) throws Exception {
    LangChain4jScenario.run(System.out);
  }
}
