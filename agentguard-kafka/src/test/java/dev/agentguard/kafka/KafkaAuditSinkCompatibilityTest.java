package dev.agentguard.kafka;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.test.AuditSinkCompatibilityKit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Kafka sink passes the kit every audit sink must pass; read back from the topic itself. */
class KafkaAuditSinkCompatibilityTest extends AuditSinkCompatibilityKit {
  private static KafkaBroker broker;
  private static String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.startNew();
    topic = "audit-kit-" + UUID.randomUUID();
    broker.createTopic(topic, 2);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Override
  protected AuditSink newSink() {
    return KafkaAuditSink.builder(broker.bootstrap(), topic).build();
  }

  @Override
  protected List<AuditEvent> readBack(AuditSink sink) {
    return KafkaAuditLog.builder(broker.bootstrap(), topic).build().read(((KafkaAuditSink) sink).instance());
  }
}
