package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code audit verify-kafka}: argument checks and a broker that cannot be reached. Verification of a
 * real topic is tested against a real broker in agentguard-kafka ({@code KafkaAuditSinkTest}).
 */
class AuditVerifyKafkaCommandTest {
  @Test
  void anOffsetWithoutAnInstanceIsAUsageError() {
    Cli.Result r = Cli.run("audit", "verify-kafka", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--from-offset", "5");
    assertEquals(Main.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("need --instance"), r.err());
  }

  @Test
  void aFixedConsumerPropertyIsAUsageError() {
    Cli.Result r = Cli.run("audit", "verify-kafka", "--bootstrap", "127.0.0.1:1", "--topic", "t",
        "--property", "enable.auto.commit=true");
    assertEquals(Main.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("enable.auto.commit"), r.err());
  }

  @Test
  void anUnreachableBrokerFailsWithAnActionableMessageAndNoSecret() {
    Cli.Result r = Cli.run("audit", "verify-kafka", "--bootstrap", "127.0.0.1:1", "--topic", "audit",
        "--timeout", "2", "--property", "sasl.jaas.config=TOPSECRET-77");
    assertEquals(Main.BAD, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("cannot read Kafka topic audit at 127.0.0.1:1"), r.err());
    assertFalse((r.out() + r.err()).contains("TOPSECRET-77"));
    assertFalse(r.err().contains("\tat "), "no stack trace for an unreachable broker: " + r.err());
  }
}
