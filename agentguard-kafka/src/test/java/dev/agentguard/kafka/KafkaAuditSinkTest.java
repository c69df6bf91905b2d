package dev.agentguard.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.spi.AuditLineSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #74, #83
/** The sink against a real KRaft broker: order, bytes, key, headers, verification, settings. */
class KafkaAuditSinkTest {
  static final AgentIdentity AGENT = AgentIdentity.of("spiffe://kafka.example/agent/writer");
  static final PolicySet PERMIT_ALL = PolicySet.parse(String.join("\n",
      "version: 1",
      "policies:",
      "  - id: permit-all",
      "    effect: permit",
      "    tools: [\"kafka.**\"]",
      ""));

  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.startNew();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  static TaskSpec spec(String purpose) {
    return TaskSpec.builder(AGENT).purpose(purpose).scopes("kafka.**").ttl(Duration.ofMinutes(5)).build();
  }

  static ToolRequest request(long i, Risk risk) {
    return ToolRequest.builder("kafka.write").action("write").risk(risk).attribute("resource.i", i).build();
  }

  private static String newTopic(int partitions) throws Exception {
    String topic = "audit-" + UUID.randomUUID();
    broker.createTopic(topic, partitions);
    return topic;
  }

  @Test
  void everyEventArrivesInOrderAndVerifies() throws Exception {
    String topic = newTopic(3);
    InMemoryAuditSink reference = AuditSinks.inMemory();
    String instance;
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false).instanceId("pod-7")
        .auditSink(KafkaAuditSink.builder(broker.bootstrap(), topic).build()).auditSink(reference).build()) {
      instance = guard.instanceId();
      try (AgentTask task = guard.startTask(spec("in order"))) {
        for (int i = 0; i < 100; i++) {
          assertTrue(guard.check(request(i, Risk.LOW)).allowed());
        }
        assertEquals("done", guard.call(request(100, Risk.HIGH), () -> "done"));
      }
    }
    KafkaAuditLog log = KafkaAuditLog.builder(broker.bootstrap(), topic).build();
    KafkaVerification v = log.verify(instance);
    assertTrue(v.ok(), v.summary());
    assertTrue(v.endedCleanly(), v.summary());
    assertEquals(List.of(), v.duplicateOffsets());
    assertEquals(1, v.runs().size());
    assertEquals(reference.events().size(), v.runs().get(0).eventsChecked());
    assertEquals(reference.events(), log.read(instance), "the topic holds the chain the guard sealed, in order");
    AuditEvent opened = reference.events().get(0);
    assertEquals(AuditEvent.AUDIT_OPENED, opened.type());
    assertEquals("pod-7", opened.instance(), "the opening record names the guard instance");
    assertEquals(List.of("pod-7"), log.instances());

    List<ConsumerRecord<byte[], byte[]>> raw = rawRecords(topic);
    assertEquals(reference.events().size(), raw.size());
    int partition = raw.get(0).partition();
    for (int i = 0; i < raw.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = raw.get(i);
      AuditEvent e = reference.events().get(i);
      assertEquals(partition, r.partition(), "one instance, one partition");
      assertEquals("pod-7", new String(r.key(), StandardCharsets.UTF_8));
      String line = new String(AuditLineSink.lineOf(e), StandardCharsets.UTF_8);
      assertEquals(line.substring(0, line.length() - 1), new String(r.value(), StandardCharsets.UTF_8),
          "the value is the sealed line without its newline");
      assertEquals(e.type(), header(r, KafkaAuditSink.HEADER_TYPE));
      assertEquals("pod-7", header(r, KafkaAuditSink.HEADER_INSTANCE));
      assertEquals(e.task(), header(r, KafkaAuditSink.HEADER_TASK));
    }
  }

  @Test
  void reconstructsATaskAcrossInstancesAndVerifiesEach() throws Exception {
    String topic = newTopic(2);
    List<String> instances = new ArrayList<>();
    for (int g = 0; g < 2; g++) {
      try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
          .auditSink(KafkaAuditSink.builder(broker.bootstrap(), topic).build()).build()) {
        instances.add(guard.instanceId());
        try (AgentTask task = guard.startTask(spec("guard " + g))) {
          guard.check(request(g, Risk.LOW));
        }
      }
    }
    KafkaAuditLog log = KafkaAuditLog.builder(broker.bootstrap(), topic).build();
    List<KafkaVerification> all = log.verifyAll();
    assertEquals(2, all.size());
    for (KafkaVerification v : all) {
      assertTrue(v.ok() && v.endedCleanly(), v.summary());
      assertTrue(instances.contains(v.instance()));
    }
    String taskId = log.read(instances.get(1)).stream().filter(e -> e.task() != null).findFirst().orElseThrow().task();
    List<AuditEvent> task = log.reconstruct(taskId);
    assertEquals(List.of(AuditEvent.TASK_STARTED, AuditEvent.TOOL_DECISION, AuditEvent.CREDENTIAL_REVOKED,
        AuditEvent.TASK_COMPLETED), task.stream().map(AuditEvent::type).toList());
    assertTrue(task.stream().allMatch(e -> taskId.equals(e.task())));
  }

  @Test
  void verifiesFromTheLastCheckpointAndFromAnOffset() throws Exception {
    String topic = newTopic(1);
    String instance;
    String jwks;
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .auditCheckpoints(10, Duration.ofHours(1))
        .auditSink(KafkaAuditSink.builder(broker.bootstrap(), topic).build()).build()) {
      instance = guard.instanceId();
      jwks = auditJwks(guard);
      try (AgentTask task = guard.startTask(spec("checkpoints"))) {
        for (int i = 0; i < 35; i++) {
          guard.check(request(i, Risk.LOW));
        }
      }
    }
    KafkaAuditLog pinned = KafkaAuditLog.builder(broker.bootstrap(), topic).trustedPublicJwks(jwks).build();
    KafkaVerification fromCheckpoint = pinned.verifyFromLastCheckpoint(instance);
    assertTrue(fromCheckpoint.ok(), fromCheckpoint.summary());
    assertTrue(fromCheckpoint.runs().get(0).firstSeq().getAsLong() > 1, "starts at the last checkpoint");
    assertTrue(fromCheckpoint.runs().get(0).signaturesPinned());
    KafkaVerification whole = pinned.verify(instance);
    assertTrue(whole.ok(), whole.summary());
    assertTrue(fromCheckpoint.records() < whole.records());
    KafkaVerification fromOffset = pinned.verify(instance, 5);
    assertTrue(fromOffset.ok(), fromOffset.summary());
    assertEquals(6, fromOffset.runs().get(0).firstSeq().getAsLong(), "offset 5 holds seq 6");

    KafkaVerification forged = KafkaAuditLog.builder(broker.bootstrap(), topic)
        .trustedPublicJwks(otherJwks()).build().verifyFromLastCheckpoint(instance);
    assertFalse(forged.ok(), "a checkpoint under a key other than the pinned one fails");
  }

  // docs/security-cases.md #31
  @Test
  void aChangedRecordOnTheTopicFailsVerificationAtItsOffset() throws Exception {
    String topic = newTopic(1);
    String instance;
    List<AuditEvent> events;
    InMemoryAuditSink reference = AuditSinks.inMemory();
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .auditSink(KafkaAuditSink.builder(broker.bootstrap(), topic).build()).auditSink(reference).build()) {
      instance = guard.instanceId();
      try (AgentTask task = guard.startTask(spec("tamper"))) {
        guard.check(request(1, Risk.LOW));
        guard.check(request(2, Risk.LOW));
      }
    }
    events = reference.events();
    // someone with write access appends a forged copy of the first decision (ALLOW became DENY)
    AuditEvent decision = events.stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type())).findFirst()
        .orElseThrow();
    String original = new String(AuditLineSink.lineOf(decision), StandardCharsets.UTF_8);
    String forged = original.replace("\"decision\":\"ALLOW\"", "\"decision\":\"DENY\"");
    assertFalse(forged.equals(original));
    try (org.apache.kafka.clients.producer.KafkaProducer<String, String> p = new org.apache.kafka.clients.producer
        .KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(),
            "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
            "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"))) {
      p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, instance, forged)).get();
    }
    KafkaVerification v = KafkaAuditLog.builder(broker.bootstrap(), topic).build().verify(instance);
    assertFalse(v.ok(), v.summary());
    assertEquals(events.size(), v.firstBadOffset().getAsLong(), "the forged record is the one reported");
    assertEquals(List.of(), v.duplicateOffsets(), "a changed record is no duplicate");
  }

  @Test
  void anExactRepeatOfARecordIsReportedAsDuplicateAndSkipped() throws Exception {
    String topic = newTopic(1);
    InMemoryAuditSink reference = AuditSinks.inMemory();
    String instance;
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .auditSink(reference).build()) {
      instance = guard.instanceId();
      try (AgentTask task = guard.startTask(spec("repeat"))) {
        guard.check(request(1, Risk.LOW));
        guard.check(request(2, Risk.LOW));
      }
    }
    // what a producer resend after a lost acknowledgement leaves: seq 2 and 3 twice, in order
    List<AuditEvent> events = reference.events();
    List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 1, 2));
    for (int i = 3; i < events.size(); i++) {
      order.add(i);
    }
    KafkaAuditSink sink = KafkaAuditSink.builder(broker.bootstrap(), topic).instance(instance).build();
    for (int i : order) {
      byte[] line = AuditLineSink.lineOf(events.get(i));
      sink.write(events.get(i), line, 0, line.length);
    }
    sink.flush();
    sink.close();
    KafkaVerification v = KafkaAuditLog.builder(broker.bootstrap(), topic).build().verify(instance);
    assertTrue(v.ok(), v.summary());
    assertEquals(List.of(3L, 4L), v.duplicateOffsets());
    assertEquals(events.size(), v.runs().get(0).eventsChecked());
    assertTrue(v.summary().contains("2 duplicate records skipped"), v.summary());
  }

  @Test
  void refusesSettingsThatWouldBreakOrderOrDurability() {
    KafkaAuditSink.Builder b = KafkaAuditSink.builder(broker.bootstrap(), "t");
    assertThrows(IllegalArgumentException.class, () -> b.property("acks", "1"));
    assertThrows(IllegalArgumentException.class, () -> b.property("enable.idempotence", "false"));
    assertThrows(IllegalArgumentException.class, () -> b.property("max.in.flight.requests.per.connection", "6"));
    assertThrows(IllegalArgumentException.class, () -> b.property("max.in.flight.requests.per.connection", "x"));
    assertThrows(IllegalArgumentException.class, () -> b.property("transactional.id", "a"));
    assertThrows(IllegalArgumentException.class, () -> b.flushTimeout(Duration.ZERO));
    b.property("max.in.flight.requests.per.connection", "5");
  }

  // docs/security-cases.md #33 (here: client secrets such as a SASL password)
  @Test
  void noClientSecretInToStringOrErrors() throws Exception {
    String secret = "S3CRET-sasl-password-42";
    KafkaAuditSink sink = KafkaAuditSink.builder("127.0.0.1:1", "audit-secret")
        .property("sasl.mechanism", "PLAIN")
        .property("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"u\" password=\"" + secret + "\";")
        .flushTimeout(Duration.ofMillis(300))
        .build();
    try {
      assertFalse(sink.toString().contains(secret), sink.toString());
      AuditEvent e = AuditEvent.recorded(AuditEvent.builder(AuditEvent.TASK_STARTED).task("t"), 1, "x-1",
          "2026-01-01T00:00:00.000Z", null, "sha256:" + "0".repeat(64), "sha256:" + "1".repeat(64));
      sink.write(e);
      Exception failure = assertThrows(Exception.class, sink::flush, "nothing listens on port 1");
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains(secret), t.toString());
      }
    } finally {
      sink.close();
    }
    KafkaAuditLog log = KafkaAuditLog.builder("127.0.0.1:1", "t").property("sasl.jaas.config", secret).build();
    assertFalse(log.toString().contains(secret));
  }

  private static String auditJwks(AgentGuard guard) {
    return guard.publicJwks();
  }

  private static String otherJwks() {
    try (AgentGuard other = AgentGuard.builder().policy(PERMIT_ALL).closeOnShutdown(false)
        .auditSink(AuditSinks.inMemory()).build()) {
      return other.publicJwks();
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<byte[], byte[]>> rawRecords(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap(),
        "key.deserializer", ByteArrayDeserializer.class.getName(),
        "value.deserializer", ByteArrayDeserializer.class.getName()))) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    assertNotNull(out);
    return out;
  }
}
