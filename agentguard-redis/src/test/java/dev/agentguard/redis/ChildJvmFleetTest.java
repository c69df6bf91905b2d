package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.DenyCode;
import dev.agentguard.test.FakeClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A guard in another JVM (another process of the fleet) and one in this JVM revoke for each other. */
class ChildJvmFleetTest {
  private static RedisTestServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisTestServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  // docs/security-cases.md #49: across processes
  @Test
  void revocationsCrossProcessBoundariesBothWays() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        ChildGuard.class.getName(), String.valueOf(redis.port()))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (FleetNode here = new FleetNode(redis, FakeClock.at("2026-12-01T10:00:00Z"));
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String ready = out.readLine();
      assertTrue(ready != null && ready.startsWith("READY "), "child did not start: " + ready);
      String childCredential = ready.split(" ")[1];
      assertEquals("ALLOWED", ask(in, out, "call"));

      here.guard.revokeCredential(childCredential);
      String answer = "ALLOWED";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (answer.equals("ALLOWED") && System.nanoTime() < deadline) {
        answer = ask(in, out, "call");
      }
      assertEquals("DENIED CREDENTIAL_REVOKED", answer, "the child applied the revocation from this JVM");

      AgentTask mine = here.start();
      assertEquals("read 1", here.tools.read("1"));
      assertEquals("REVOKED", ask(in, out, "revoke-agent " + FleetNode.BOT.id()));
      Await.until(Duration.ofSeconds(10), "this JVM applies the child's agent revocation", () -> !mine.isOpen());
      assertEquals(DenyCode.CREDENTIAL_REVOKED,
          assertThrows(AccessDeniedException.class, () -> here.tools.read("2")).code());
      in.println("quit");
      assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child exits");
    } finally {
      child.destroyForcibly();
    }
  }

  private static String ask(PrintWriter in, BufferedReader out, String command) throws Exception {
    in.println(command);
    return out.readLine();
  }
}
