package dev.agentguard.kafka;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.spi.AuditLineSink;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit sink that ships the trail to a Kafka topic: one record per audit event, the value being
 * the event's line as the chain sealed it (its canonical JSON with the {@code hash} member, UTF-8,
 * without the trailing newline), the key the guard instance id (from the run's {@code audit.opened}
 * record), so each guard's chain lands in one partition in order; headers {@value #HEADER_TYPE},
 * {@value #HEADER_INSTANCE} and, for task events, {@value #HEADER_TASK}.
 *
 * <p>Delivery: an idempotent producer with {@code acks=all} and at most
 * {@value #MAX_IN_FLIGHT} requests in flight, so the broker keeps the records of a partition in the
 * order sent and drops the producer's own retries. {@link #write} only hands the record to the
 * producer; {@link #flush()} returns once the broker acknowledged every record taken, or throws
 * after {@link Builder#flushTimeout(Duration)}; the pipeline then retries the flush with backoff and
 * later events wait behind it, so a write-ahead (HIGH risk) call whose record is not acknowledged
 * within the guard's write-ahead timeout is denied with {@code AUDIT_UNAVAILABLE}. When the producer
 * reports a record as failed (its delivery timeout passed while the broker was away), the sink stops
 * that producer at once, so nothing sent after the failure can overtake it, and sends every record
 * not yet acknowledged again, in order, through a new producer. A record that reached the broker but
 * whose acknowledgement was lost is then on the topic twice, with the same bytes;
 * {@link KafkaAuditLog} reports and skips such duplicates.
 *
 * <p>{@code toString()} and every message name the topic and bootstrap servers only: client
 * settings (SASL passwords, key-store secrets) are never printed.
 *
 * <p>Used by one pipeline's writer thread; not thread-safe. The producer's callbacks run on its I/O
 * thread and touch only the per-record state.
 *
 * @since 0.2.0
 */
public final class KafkaAuditSink implements AuditLineSink {
  /** Header naming the event type, e.g. {@code tool.decision}. */
  public static final String HEADER_TYPE = "agentguard.type";
  /** Header naming the guard instance that wrote the record (also the record key). */
  public static final String HEADER_INSTANCE = "agentguard.instance";
  /** Header naming the task, on events of a task. */
  public static final String HEADER_TASK = "agentguard.task";
  /** Most requests the producer keeps in flight per connection (idempotence keeps order up to 5). */
  public static final int MAX_IN_FLIGHT = 5;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaAuditSink.class);
  private static final Set<String> RESERVED = Set.of(ProducerConfig.ACKS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProducerConfig.PARTITIONER_CLASS_CONFIG);

  private final String topic;
  private final String bootstrapServers;
  private final Map<String, Object> producerConfig;
  private final Duration flushTimeout;
  private final String fallbackInstance;
  private final ArrayDeque<Pending> unacked = new ArrayDeque<>();
  private Producer<byte[], byte[]> producer;
  private volatile boolean broken;
  private String instance;
  private byte[] key;
  private boolean closed;
  private boolean failing;
  private long resent;

  private KafkaAuditSink(Builder b) {
    this.topic = b.topic;
    this.bootstrapServers = b.bootstrapServers;
    this.flushTimeout = b.flushTimeout;
    Map<String, Object> fixed = new HashMap<>();
    fixed.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    fixed.put(ProducerConfig.ACKS_CONFIG, "all");
    fixed.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    fixed.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    fixed.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (!b.settings.has(ProducerConfig.MAX_BLOCK_MS_CONFIG)) {
      fixed.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ClientSettings.millis(b.flushTimeout));
    }
    if (!b.settings.has(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
      // a record is at most 1 MiB of line plus key and headers
      fixed.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 << 20));
    }
    Map<String, Object> all = new HashMap<>();
    b.settings.toProperties(fixed).forEach((k, v) -> all.put((String) k, v));
    this.producerConfig = Map.copyOf(all);
    byte[] rnd = new byte[8];
    new SecureRandom().nextBytes(rnd);
    this.fallbackInstance = b.instance != null ? b.instance : "ag-" + HexFormat.of().formatHex(rnd);
    this.producer = new KafkaProducer<>(producerConfig);
  }

  /**
   * A builder for a sink that writes to {@code topic} through {@code bootstrapServers}.
   *
   * @param bootstrapServers the Kafka bootstrap servers, e.g. {@code "kafka-1:9092,kafka-2:9092"}
   * @param topic the topic (create it with the settings of {@code docs/export.md}; the sink does not)
   * @throws IllegalArgumentException if either is blank
   * @throws NullPointerException if either is null
   */
  public static Builder builder(String bootstrapServers, String topic) {
    return new Builder(bootstrapServers, topic);
  }

  /** The topic written to. */
  public String topic() {
    return topic;
  }

  /**
   * The guard instance id the records are keyed by: that of the last {@code audit.opened} record
   * taken, or the builder's {@link Builder#instance(String) fallback} before one (and for a run that
   * names none).
   */
  public String instance() {
    return instance != null ? instance : fallbackInstance;
  }

  /**
   * Hands the record to the producer, keyed by the instance; does not wait for the broker (see
   * {@link #flush()}). First sends again, in order, any record a failed producer left
   * unacknowledged.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws Exception when the producer cannot take the record within the producer's
   *     {@code max.block.ms} (default: the flush timeout), e.g. no broker reachable to learn the
   *     topic's partitions; the pipeline offers it again
   */
  @Override
  public void write(AuditEvent event, byte[] line, int off, int len) throws Exception {
    if (closed) {
      throw new IllegalStateException("KafkaAuditSink for topic " + topic + " is closed");
    }
    if (AuditEvent.AUDIT_OPENED.equals(event.type()) || key == null) {
      String id = AuditEvent.AUDIT_OPENED.equals(event.type()) && event.instance() != null
          ? event.instance() : instance();
      if (!id.equals(instance)) {
        instance = id;
        key = id.getBytes(StandardCharsets.UTF_8);
      }
    }
    if (broken) {
      resendUnacked(deadline());
    }
    int n = len > 0 && line[off + len - 1] == '\n' ? len - 1 : len;
    byte[] value = new byte[n];
    System.arraycopy(line, off, value, 0, n);
    RecordHeaders headers = new RecordHeaders();
    headers.add(HEADER_TYPE, event.type().getBytes(StandardCharsets.UTF_8));
    headers.add(HEADER_INSTANCE, key);
    if (event.task() != null) {
      headers.add(HEADER_TASK, event.task().getBytes(StandardCharsets.UTF_8));
    }
    Pending p = new Pending(new ProducerRecord<>(topic, null, key, value, headers), event.seq());
    send(p);
    unacked.add(p);
  }

  /**
   * Returns once the broker acknowledged every record taken so far ({@code acks=all}: every in-sync
   * replica has it). Sends again what a failed producer left unacknowledged.
   *
   * @throws TimeoutException if the broker did not acknowledge them within the flush timeout (the
   *     pipeline retries; write-ahead callers are denied once their own timeout passed)
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public void flush() throws Exception {
    if (closed) {
      throw new IllegalStateException("KafkaAuditSink for topic " + topic + " is closed");
    }
    long deadline = deadline();
    while (!unacked.isEmpty()) {
      if (broken) {
        resendUnacked(deadline);
      }
      Pending p = unacked.peekFirst();
      if (!p.await(deadline)) {
        throw new TimeoutException("Kafka topic " + topic + " (bootstrap " + bootstrapServers
            + ") did not acknowledge " + unacked.size() + " audit records within flushTimeout "
            + flushTimeout + " (first unacknowledged: seq " + p.seq + ")");
      }
      if (p.acked()) {
        unacked.pollFirst();
      } else {
        broken = true;
      }
    }
    if (failing) {
      failing = false;
      LOG.info("Kafka audit topic {} acknowledges records again", topic);
    }
  }

  /**
   * Stops the producer after a bounded wait (the flush timeout) for what it still holds; the
   * pipeline flushed before. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    producer.close(flushTimeout);
    if (!unacked.isEmpty()) {
      LOG.error("KafkaAuditSink for topic {} closed with {} audit records the broker did not acknowledge",
          topic, unacked.size());
    }
    if (resent > 0) {
      LOG.info("KafkaAuditSink for topic {} sent {} records again after producer failures", topic, resent);
    }
  }

  /** Names the topic and bootstrap servers; never a client setting's value. */
  @Override
  public String toString() {
    return "KafkaAuditSink{topic=" + topic + ", bootstrapServers=" + bootstrapServers + ", instance="
        + instance() + "}";
  }

  private long deadline() {
    return System.nanoTime() + flushTimeout.toNanos();
  }

  private void send(Pending p) {
    Producer<byte[], byte[]> current = producer;
    try {
      current.send(p.record, (metadata, error) -> {
        if (error != null) {
          broken = true;
          // stop this producer before it sends anything queued behind the failed record (callbacks
          // of one partition run in order, on the producer's I/O thread: close(0) is allowed there)
          current.close(Duration.ZERO);
        }
        p.complete(error == null);
      });
    } catch (RuntimeException e) {
      p.complete(false);
      throw e;
    }
  }

  /**
   * Replaces a failed producer: waits (until {@code deadline}) for every callback of the old one,
   * drops what it acknowledged up to the first failure, and sends the rest again in order through
   * a new producer, acknowledged records behind the first failure included, so the topic never has
   * a later record of the chain before an earlier one.
   *
   * @throws TimeoutException if the old producer did not settle in time or the new one failed at
   *     once (no broker yet); everything not acknowledged is kept, in order, for the next attempt
   */
  private void resendUnacked(long deadline) throws TimeoutException {
    producer.close(Duration.ZERO);
    for (Pending p : unacked) {
      if (!p.await(deadline)) {
        throw new TimeoutException("the stopped Kafka producer for topic " + topic + " did not settle "
            + "its records within flushTimeout " + flushTimeout);
      }
    }
    while (!unacked.isEmpty() && unacked.peekFirst().acked()) {
      unacked.pollFirst();
    }
    if (!failing) {
      failing = true;
      LOG.warn("Kafka producer for audit topic {} failed to deliver; sending {} records again, in order, "
          + "through a new producer until the broker acknowledges them", topic, unacked.size());
    }
    producer = new KafkaProducer<>(producerConfig);
    broken = false;
    ArrayDeque<Pending> again = new ArrayDeque<>(unacked.size());
    for (Pending p : unacked) {
      again.add(new Pending(p.record, p.seq));
    }
    unacked.clear();
    for (Pending q : again) {
      if (broken || System.nanoTime() - deadline > 0) {
        // the new producer failed too (no broker yet): keep the rest, in order, for the next attempt
        q.complete(false);
        broken = true;
      } else {
        try {
          send(q);
          resent++;
        } catch (RuntimeException e) {
          broken = true;
        }
      }
      unacked.add(q);
    }
    if (broken) {
      throw new TimeoutException("Kafka topic " + topic + " (bootstrap " + bootstrapServers + ") still "
          + "refuses the " + unacked.size() + " audit records sent again (first: seq "
          + unacked.peekFirst().seq + "); retrying");
    }
  }

  /** One record handed to the producer, and its outcome. */
  private static final class Pending {
    final ProducerRecord<byte[], byte[]> record;
    final long seq;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean ok;

    Pending(ProducerRecord<byte[], byte[]> record, long seq) {
      this.record = record;
      this.seq = seq;
    }

    void complete(boolean success) {
      ok = success;
      done.countDown();
    }

    boolean acked() {
      return ok && done.getCount() == 0;
    }

    boolean await(long deadlineNanos) {
      try {
        return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * Builds a {@link KafkaAuditSink}. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final String bootstrapServers;
    private final String topic;
    private final ClientSettings settings = new ClientSettings(RESERVED, "KafkaAuditSink");
    private Duration flushTimeout = Duration.ofSeconds(10);
    private String instance;

    private Builder(String bootstrapServers, String topic) {
      this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
      this.topic = requireText(topic, "topic");
    }

    /**
     * Sets a Kafka producer property (security, timeouts, compression, ...), e.g.
     * {@code property("security.protocol", "SASL_SSL")}. Values are never logged or printed.
     *
     * @throws IllegalArgumentException for the properties the sink fixes ({@code acks},
     *     {@code enable.idempotence}, serializers, {@code transactional.id},
     *     {@code bootstrap.servers}, {@code partitioner.class}), or a
     *     {@code max.in.flight.requests.per.connection} that is not 1 to {@value #MAX_IN_FLIGHT}
     * @throws NullPointerException if an argument is null
     */
    public Builder property(String name, String value) {
      Objects.requireNonNull(name, "name");
      if (ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION.equals(name.trim())) {
        int n;
        try {
          n = Integer.parseInt(Objects.requireNonNull(value, "value of " + name).trim());
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 1 || n > MAX_IN_FLIGHT) {
          throw new IllegalArgumentException(name + " must be 1 to " + MAX_IN_FLIGHT
              + " (more in flight would let an idempotent producer reorder the chain), was " + value);
        }
      }
      settings.put(name, value);
      return this;
    }

    /**
     * How long {@link KafkaAuditSink#flush()} waits for the broker's acknowledgements before it
     * throws (the pipeline retries), and the default of the producer's {@code max.block.ms}.
     * Default 10 s. Keep it at or above the guard's write-ahead timeout.
     *
     * @throws IllegalArgumentException if not positive
     * @throws NullPointerException if null
     */
    public Builder flushTimeout(Duration timeout) {
      this.flushTimeout = ClientSettings.positive(timeout, "flushTimeout");
      return this;
    }

    /**
     * The key for records written before a run's {@code audit.opened} record names its guard
     * instance (a pipeline used without a guard): default a random {@code ag-<16 hex>}.
     *
     * @throws IllegalArgumentException if blank
     * @throws NullPointerException if null
     */
    public Builder instance(String id) {
      this.instance = requireText(id, "instance");
      return this;
    }

    /**
     * Builds the sink and its producer (which connects lazily, on the first record).
     *
     * @throws org.apache.kafka.common.KafkaException if the producer settings are invalid
     */
    public KafkaAuditSink build() {
      return new KafkaAuditSink(this);
    }

    private static String requireText(String s, String name) {
      Objects.requireNonNull(s, name);
      if (s.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return s;
    }
  }
}
