package dev.agentguard.kafka;

import static dev.agentguard.kafka.KafkaAuditSinkTest.PERMIT_ALL;
import static dev.agentguard.kafka.KafkaAuditSinkTest.request;
import static dev.agentguard.kafka.KafkaAuditSinkTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #83
/** The broker goes away and comes back (same port, same log directory): fail closed, lose nothing. */
class KafkaOutageTest {
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.startNew();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static String newTopic() throws Exception {
    String topic = "audit-" + UUID.randomUUID();
    broker.createTopic(topic, 1);
    return topic;
  }

  /** Short producer timeouts, so records expire while the broker is away and the sink sends them again. */
  private static KafkaAuditSink impatientSink(String topic) {
    return KafkaAuditSink.builder(broker.bootstrap(), topic)
        .flushTimeout(Duration.ofSeconds(1))
        .property("request.timeout.ms", "1000")
        .property("delivery.timeout.ms", "2000")
        .property("linger.ms", "0")
        .property("retry.backoff.ms", "50")
        .property("reconnect.backoff.max.ms", "200")
        .build();
  }

  // docs/security-cases.md #30 (a failing sink is retried in order; calls that need the trail fail closed)
  @Test
  void highRiskCallIsDeniedWhenTheBrokerCannotAcknowledgeInTime() throws Exception {
    String topic = newTopic();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    AtomicInteger ran = new AtomicInteger();
    String instance;
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .writeAheadTimeout(Duration.ofMillis(500)).auditCloseTimeout(Duration.ofSeconds(20))
        .auditSink(impatientSink(topic)).auditSink(reference).build()) {
      instance = guard.instanceId();
      try (AgentTask task = guard.startTask(spec("outage"))) {
        guard.call(request(0, Risk.HIGH), ran::incrementAndGet);
        assertEquals(1, ran.get(), "with the broker up the HIGH-risk call runs");
        broker.stop();
        try {
          AccessDeniedException denied = assertThrows(AccessDeniedException.class,
              () -> guard.call(request(1, Risk.HIGH), ran::incrementAndGet));
          assertEquals(DenyCode.AUDIT_UNAVAILABLE, denied.code());
          assertEquals(1, ran.get(), "the tool body did not run");
          assertEquals(1, guard.auditHealth().refused(), "the write-ahead record was refused: " + guard.auditHealth());
        } finally {
          broker.start();
        }
        awaitHealthy(guard);
        guard.call(request(2, Risk.HIGH), ran::incrementAndGet);
        assertEquals(2, ran.get(), "after the broker is back the HIGH-risk call runs again");
      }
    }
    KafkaVerification v = KafkaAuditLog.builder(broker.bootstrap(), topic).build().verify(instance);
    assertTrue(v.ok(), v.summary());
    assertTrue(v.endedCleanly(), v.summary());
    List<AuditEvent> onTopic = KafkaAuditLog.builder(broker.bootstrap(), topic).build().read(instance);
    assertEquals(reference.events(), onTopic, "every record reached the topic once, in order");
    assertTrue(onTopic.stream().anyMatch(e -> AuditEvent.TOOL_DECISION.equals(e.type())
        && Long.valueOf(1).equals(e.attributes().get("resource.i"))), "the denied call's record is on the topic");
  }

  // docs/security-cases.md #30
  @Test
  void brokerRestartMidRunLosesNothingAndDuplicatesNothingInTheVerifiedChain() throws Exception {
    String topic = newTopic();
    InMemoryAuditSink reference = AuditSinks.inMemory();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    String instance;
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .auditCloseTimeout(Duration.ofSeconds(20))
        .auditSink(impatientSink(topic)).auditSink(reference).build()) {
      instance = guard.instanceId();
      Thread producer = new Thread(() -> {
        try (AgentTask task = guard.startTask(spec("restart"))) {
          for (long i = 0; !stop.get(); i++) {
            guard.check(request(i, Risk.LOW));
            calls.incrementAndGet();
            Thread.sleep(1);  // a steady agent, not a flood: the test is about the outage, not the queue
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      producer.start();
      awaitCalls(calls, 100);
      broker.stop();
      long before = calls.get();
      awaitCalls(calls, before + 100);  // calls go on (LOW risk is not write-ahead) while the broker is down
      broker.start();
      awaitCalls(calls, calls.get() + 100);
      awaitHealthy(guard);
      stop.set(true);
      producer.join(30_000);
    }
    assertEquals(null, failure.get());
    KafkaVerification v = KafkaAuditLog.builder(broker.bootstrap(), topic).build().verify(instance);
    assertTrue(v.ok(), v.summary());
    assertTrue(v.endedCleanly(), v.summary());
    assertEquals(1, v.runs().size());
    assertEquals(reference.events().size(), v.runs().get(0).eventsChecked(), "nothing lost: " + v.summary());
    assertEquals(reference.events().size() + v.duplicateOffsets().size(), v.records(),
        "every record beyond the chain is a reported duplicate: " + v.summary());
    assertEquals(reference.events(), KafkaAuditLog.builder(broker.bootstrap(), topic).build().read(instance));
  }

  private static void awaitHealthy(AgentGuard guard) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!guard.auditHealth().healthy()) {
      assertTrue(System.nanoTime() < deadline, "the sink did not recover: " + guard.auditHealth());
      Thread.sleep(20);
    }
  }

  private static void awaitCalls(AtomicInteger calls, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (calls.get() < atLeast) {
      assertTrue(System.nanoTime() < deadline, "calls stalled at " + calls.get());
      Thread.sleep(5);
    }
  }
}
