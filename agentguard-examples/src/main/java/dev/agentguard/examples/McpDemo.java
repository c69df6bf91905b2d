package dev.agentguard.examples;

import dev.agentguard.examples.mcp.McpScenario;
import dev.agentguard.examples.mcp.McpServe;

/**
 * A support MCP server (MCP Java SDK, streamable HTTP on 127.0.0.1) whose tools run through
 * AgentGuard, called by a tiny scripted MCP client: the tool list shows only the caller's scope, a
 * hidden tool called by name is denied, a forbidden call and an external fetch come back as
 * {@code isError} results, a call without credentials gets no task, and the verified audit trail
 * shows every decision.
 *
 * <p>Run: {@code mvn -B -q -pl agentguard-examples -am compile exec:java -Dexec.mainClass=dev.agentguard.examples.McpDemo}
 *
 * <p>Serve for another MCP client (for example the MCP Inspector) on port 8931 until Ctrl-C, token
 * {@code demo-token-alice}: add {@code -Dexec.args="serve 8931"}.
 */
public final class McpDemo {
  private McpDemo() {}

  /** Runs the scripted session and prints it, or serves with {@code serve [port]}. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      McpServe.serve(args.length > 1 ? Integer.parseInt(args[1]) : 8931, System.out);
    } else {
      McpScenario.run(System.out);
    }
  }
}
