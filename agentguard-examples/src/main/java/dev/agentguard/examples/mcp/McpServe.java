package dev.agentguard.examples.mcp;

import dev.agentguard.core.AgentGuard;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Keeps the guarded support MCP server up for an external MCP client until the JVM is stopped. */
public final class McpServe {
  private McpServe() {}

  /** Serves on 127.0.0.1:{@code port} until Ctrl-C; the audit trail goes to a temporary file it prints. */
  public static void serve(int port, PrintStream out) throws Exception {
    Path auditFile = Files.createTempDirectory("agentguard-mcp-serve").resolve("audit.jsonl");
    AgentGuard guard = McpScenario.guard(auditFile);
    SupportMcpServer server = SupportMcpServer.start(guard, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        out.println("stopping the server failed: " + e);
      }
      guard.close();
      stopped.countDown();
    }));
    out.println("MCP server at " + server.url() + "/mcp  (Authorization: Bearer demo-token-alice)");
    out.println("audit trail: " + auditFile + "   Ctrl-C stops");
    stopped.await();
  }
}
