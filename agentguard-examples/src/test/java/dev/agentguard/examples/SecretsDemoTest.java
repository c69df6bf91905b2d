package dev.agentguard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the secrets demo working: the tool reads under its task's login, which the database refuses afterwards. */
class SecretsDemoTest {
  @Test
  void theToolReadsUnderATaskLoginThatTheDatabaseRefusesAfterTheTask() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String refusal = SecretsDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals("28P01 refused by the database", refusal, out);
    assertTrue(out.contains("[T-1001 refund not received]"), out);
    assertTrue(out.contains("the task's open connection: terminated"), out);
    assertTrue(out.contains("audit secret.issued tickets-db postgresql"), out);
    assertTrue(out.contains("audit secret.revoked tickets-db postgresql"), out);
  }
}
