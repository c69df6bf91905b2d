package dev.agentguard.examples;

import dev.agentguard.examples.supportbot.SupportBotScenario;

/**
 * The demo the README's second command runs: a support bot whose tool calls are authorized one by
 * one — allowed reads, a forbid after confidential data, a scope denial, a budget hit, a credential
 * expiring, an agent-wide revocation — followed by the reconstructed audit chain and its
 * verification.
 *
 * <p>Run: {@code mvn -B -q -pl agentguard-examples -am compile exec:java}
 */
public final class SupportBotDemo {
  private SupportBotDemo() {}

  /** Runs the scenario and prints every decision. */
  public static void main(String[] args) throws Exception {
    SupportBotScenario.run(System.out);
  }
}
