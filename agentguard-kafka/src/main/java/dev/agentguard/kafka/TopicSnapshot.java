package dev.agentguard.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every record of a topic from the earliest retained offset up to the end offsets taken
 * when the read starts, with a consumer that joins no group and commits nothing. Stateless.
 *
 * @since 0.2.0
 */
final class TopicSnapshot {
  private TopicSnapshot() {}

  /**
   * The records of {@code topic}, partition by partition, each in offset order.
   *
   * @param consumer the consumer properties (bootstrap servers, security), used as given plus the
   *     deserializers
   * @param timeout how long the whole read may take
   * @throws IllegalStateException if the topic does not exist or was not read to its end in time
   */
  static List<TopicRecord> read(Properties consumer, String topic, Duration timeout) {
    Properties p = new Properties();
    p.putAll(consumer);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("Kafka topic '" + topic + "' does not exist or has no partitions");
      }
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : infos) {
        parts.add(new TopicPartition(topic, i.partition()));
      }
      parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, timeout));
      Map<Integer, List<TopicRecord>> byPartition = new HashMap<>();
      while (!done(c, end)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("Kafka topic '" + topic + "' was not read to its end within "
              + timeout + " (partitions not done: " + end.keySet() + ")");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofNanos(Math.min(left, 200_000_000L)))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Long last = end.get(tp);
          if (last == null || r.offset() >= last) {
            continue;
          }
          byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>())
              .add(new TopicRecord(r.partition(), r.offset(), text(r.key()), text(r.value())));
        }
      }
      List<TopicRecord> out = new ArrayList<>();
      for (TopicPartition tp : parts) {
        out.addAll(byPartition.getOrDefault(tp.partition(), List.of()));
      }
      return out;
    }
  }

  /** Whether every partition's position reached its end offset (removing those that did). */
  private static boolean done(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
    return end.isEmpty();
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
