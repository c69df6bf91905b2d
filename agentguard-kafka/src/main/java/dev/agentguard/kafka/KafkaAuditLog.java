package dev.agentguard.kafka;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Reads an audit topic written by {@link KafkaAuditSink} back: verifies the chain of each guard
 * instance (the record key) with {@link AuditLog#verify(Iterable)} (the same verifier as for files),
 * from the earliest retained record, from an offset, or from the instance's last checkpoint, and
 * reconstructs a task across instances.
 *
 * <p>Each call reads the topic from its earliest retained offset to the end offsets at the start of
 * the call (a consumer that joins no group and commits nothing) and holds the records of the
 * instances it checks in memory. Records on one key form runs: each {@code audit.opened} record
 * with seq 1 starts a new one (a guard restarted with the same instance id starts a new chain);
 * each run is verified as its own chain. A record that repeats, byte for byte, one already taken in
 * its run (the producer sent it again after losing the broker's acknowledgement) is skipped and its
 * offset reported; a record with a seen seq but other bytes is not a duplicate and goes to the
 * verifier, which reports it; any other irregularity is the verifier's to report
 * (a duplicate farther back than the last {@value #DEDUP_WINDOW} records included).
 *
 * <p>What verification of a topic cannot tell: records removed from the start (retention, or
 * someone with delete rights): {@link VerificationReport#firstSeq()} is then larger than 1; pin the
 * signing keys ({@link Builder#trustedPublicJwks(String)}) to tell the guard's checkpoints from a
 * forger's.
 *
 * <p>Thread-safe: every call uses its own consumer.
 *
 * @since 0.2.0
 */
public final class KafkaAuditLog {
  /** How many recent records of a run are remembered to recognise a producer's resend. */
  public static final int DEDUP_WINDOW = 65_536;

  private final String topic;
  private final Properties consumer;
  private final Duration readTimeout;
  private final String trustedPublicJwks;

  private KafkaAuditLog(Builder b) {
    this.topic = b.topic;
    this.consumer = b.settings.toProperties(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers));
    this.readTimeout = b.readTimeout;
    this.trustedPublicJwks = b.trustedPublicJwks;
  }

  /**
   * A builder for a reader of {@code topic} through {@code bootstrapServers}.
   *
   * @throws IllegalArgumentException if either is blank
   * @throws NullPointerException if either is null
   */
  public static Builder builder(String bootstrapServers, String topic) {
    return new Builder(bootstrapServers, topic);
  }

  /**
   * The guard instances (record keys) on the topic, in the order first seen.
   *
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   */
  public List<String> instances() {
    Set<String> out = new LinkedHashSet<>();
    for (TopicRecord r : TopicSnapshot.read(consumer, topic, readTimeout)) {
      if (r.instance() != null) {
        out.add(r.instance());
      }
    }
    return List.copyOf(out);
  }

  /**
   * Verifies every run of {@code instance} from the earliest retained record.
   *
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   * @throws NullPointerException if {@code instance} is null
   */
  public KafkaVerification verify(String instance) {
    return verify(instance, 0);
  }

  /**
   * Verifies {@code instance}'s records at offsets {@code fromOffset} and later (the first run may
   * then start mid-chain; {@link VerificationReport#firstSeq()} says where).
   *
   * @throws IllegalArgumentException if {@code fromOffset} is negative
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   * @throws NullPointerException if {@code instance} is null
   */
  public KafkaVerification verify(String instance, long fromOffset) {
    Objects.requireNonNull(instance, "instance");
    if (fromOffset < 0) {
      throw new IllegalArgumentException("fromOffset must be >= 0, was " + fromOffset);
    }
    return check(instance, of(instance, TopicSnapshot.read(consumer, topic, readTimeout)), fromOffset);
  }

  /**
   * Verifies {@code instance}'s records from its last {@code audit.checkpoint} record on (all of
   * them when it has none). With {@link Builder#trustedPublicJwks(String)} that checkpoint's
   * signature is checked against the pinned keys; without, for form only, as its run's opening
   * record is not in view.
   *
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   * @throws NullPointerException if {@code instance} is null
   */
  public KafkaVerification verifyFromLastCheckpoint(String instance) {
    Objects.requireNonNull(instance, "instance");
    List<TopicRecord> records = of(instance, TopicSnapshot.read(consumer, topic, readTimeout));
    long from = 0;
    for (TopicRecord r : records) {
      AuditEvent e = parseOrNull(r.line());
      if (e != null && AuditEvent.AUDIT_CHECKPOINT.equals(e.type())) {
        from = r.offset();
      }
    }
    return check(instance, records, from);
  }

  /**
   * Verifies every instance on the topic (one read of the topic), in the order first seen.
   *
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   */
  public List<KafkaVerification> verifyAll() {
    Map<String, List<TopicRecord>> byInstance = new LinkedHashMap<>();
    for (TopicRecord r : TopicSnapshot.read(consumer, topic, readTimeout)) {
      if (r.instance() != null) {
        byInstance.computeIfAbsent(r.instance(), k -> new ArrayList<>()).add(r);
      }
    }
    List<KafkaVerification> out = new ArrayList<>();
    byInstance.forEach((instance, records) -> out.add(check(instance, records, 0)));
    return out;
  }

  /**
   * The events of {@code instance}, in topic order, with exact duplicates skipped. Does not verify
   * (use {@link #verify(String)}).
   *
   * @throws IllegalArgumentException naming the offset of a record that is not an audit line
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   * @throws NullPointerException if {@code instance} is null
   */
  public List<AuditEvent> read(String instance) {
    Objects.requireNonNull(instance, "instance");
    List<AuditEvent> out = new ArrayList<>();
    for (Run run : runs(of(instance, TopicSnapshot.read(consumer, topic, readTimeout)), 0, new ArrayList<>())) {
      out.addAll(parse(run));
    }
    return out;
  }

  /**
   * The events of task {@code taskId} on the whole topic, across guard instances, ordered by
   * {@code ts}, then instance, then seq; exact duplicates skipped. Does not verify (use
   * {@link #verifyAll()}).
   *
   * @throws IllegalArgumentException naming the offset of a record that is not an audit line
   * @throws IllegalStateException if the topic does not exist or cannot be read within the read timeout
   * @throws NullPointerException if {@code taskId} is null
   */
  public List<AuditEvent> reconstruct(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    Map<String, List<TopicRecord>> byInstance = new LinkedHashMap<>();
    for (TopicRecord r : TopicSnapshot.read(consumer, topic, readTimeout)) {
      if (r.instance() != null) {
        byInstance.computeIfAbsent(r.instance(), k -> new ArrayList<>()).add(r);
      }
    }
    record Tagged(String instance, AuditEvent event) {}
    List<Tagged> out = new ArrayList<>();
    byInstance.forEach((instance, records) -> {
      for (Run run : runs(records, 0, new ArrayList<>())) {
        for (AuditEvent e : parse(run)) {
          if (taskId.equals(e.task())) {
            out.add(new Tagged(instance, e));
          }
        }
      }
    });
    out.sort(Comparator.comparing((Tagged t) -> t.event().ts()).thenComparing(Tagged::instance)
        .thenComparingLong(t -> t.event().seq()));
    return out.stream().map(Tagged::event).toList();
  }

  /** Names the topic; never a client setting's value. */
  @Override
  public String toString() {
    return "KafkaAuditLog{topic=" + topic + ", bootstrapServers="
        + consumer.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + "}";
  }

  private static List<TopicRecord> of(String instance, List<TopicRecord> all) {
    List<TopicRecord> out = new ArrayList<>();
    for (TopicRecord r : all) {
      if (instance.equals(r.instance())) {
        out.add(r);
      }
    }
    return out;
  }

  private KafkaVerification check(String instance, List<TopicRecord> records, long fromOffset) {
    List<Long> duplicates = new ArrayList<>();
    List<Run> runs = runs(records, fromOffset, duplicates);
    List<VerificationReport> reports = new ArrayList<>();
    long bad = -1;
    for (Run run : runs) {
      VerificationReport rep = trustedPublicJwks == null ? AuditLog.verify(run.lines)
          : AuditLog.verify(trustedPublicJwks, run.lines);
      reports.add(rep);
      if (!rep.ok() && bad < 0 && rep.eventsChecked() < run.offsets.size()) {
        bad = run.offsets.get((int) rep.eventsChecked());
      }
    }
    long first = -1;
    long last = -1;
    long count = 0;
    for (TopicRecord r : records) {
      if (r.offset() >= fromOffset) {
        first = first < 0 ? r.offset() : first;
        last = r.offset();
        count++;
      }
    }
    int partition = records.isEmpty() ? -1 : records.get(0).partition();
    return new KafkaVerification(instance, partition, count, first, last, reports, duplicates, bad);
  }

  /** Splits records (from {@code fromOffset} on) into runs, skipping exact repeats into {@code duplicates}. */
  private static List<Run> runs(List<TopicRecord> records, long fromOffset, List<Long> duplicates) {
    List<Run> runs = new ArrayList<>();
    Run run = null;
    for (TopicRecord r : records) {
      if (r.offset() < fromOffset) {
        continue;
      }
      AuditEvent e = parseOrNull(r.line());
      String digest = e == null ? null : digest(r.line());
      if (e != null && run != null && digest.equals(run.seen.get(e.seq()))) {
        duplicates.add(r.offset());
        continue;
      }
      if (run == null || (e != null && e.seq() == 1 && AuditEvent.AUDIT_OPENED.equals(e.type()))) {
        run = new Run();
        runs.add(run);
      }
      run.lines.add(r.line());
      run.offsets.add(r.offset());
      if (e != null) {
        run.seen.put(e.seq(), digest);
      }
    }
    return runs;
  }

  /** SHA-256 of the record's bytes (without a trailing newline): what makes a repeat exact. */
  private static String digest(String line) {
    String body = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A run's events, read as one chain (so members its records imply are restored from the run). */
  private static List<AuditEvent> parse(Run run) {
    try {
      return AuditLog.read(run.lines);
    } catch (IllegalArgumentException whole) {
      for (int i = 0; i < run.lines.size(); i++) { // name the offset of the record that does not parse
        try {
          AuditLog.read(Collections.singletonList(run.lines.get(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("audit topic record at offset " + run.offsets.get(i) + ": "
              + e.getMessage());
        }
      }
      throw whole;
    }
  }

  private static AuditEvent parseOrNull(String line) {
    if (line == null) {
      return null;
    }
    try {
      return AuditLog.read(Collections.singletonList(line)).get(0);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** One run's records in topic order, and the digests of its last {@value #DEDUP_WINDOW} records by seq. */
  private static final class Run {
    final List<String> lines = new ArrayList<>();
    final List<Long> offsets = new ArrayList<>();
    final Map<Long, String> seen = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
        return size() > DEDUP_WINDOW;
      }
    };
  }

  /**
   * Builds a {@link KafkaAuditLog}. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final String bootstrapServers;
    private final String topic;
    private final ClientSettings settings = new ClientSettings(Set.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG), "KafkaAuditLog");
    private Duration readTimeout = Duration.ofSeconds(30);
    private String trustedPublicJwks;

    private Builder(String bootstrapServers, String topic) {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topic, "topic");
      if (bootstrapServers.isBlank() || topic.isBlank()) {
        throw new IllegalArgumentException("bootstrapServers and topic must not be blank");
      }
      this.bootstrapServers = bootstrapServers;
      this.topic = topic;
    }

    /**
     * Sets a Kafka consumer property (security, ...). Values are never logged or printed.
     *
     * @throws IllegalArgumentException for the properties the reader fixes (bootstrap servers,
     *     deserializers, auto commit)
     * @throws NullPointerException if an argument is null
     */
    public Builder property(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /**
     * How long one read of the topic (to its end offsets) may take; default 30 s.
     *
     * @throws IllegalArgumentException if not positive
     * @throws NullPointerException if null
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = ClientSettings.positive(timeout, "readTimeout");
      return this;
    }

    /**
     * Pins the signing keys: checkpoints and close records must verify under a key of this JWK set
     * ({@code guard.publicJwks()}), as for {@link AuditLog#verify(String, java.nio.file.Path...)}.
     * Take it from somewhere you trust, never from the topic.
     *
     * @throws NullPointerException if null
     */
    public Builder trustedPublicJwks(String jwks) {
      this.trustedPublicJwks = Objects.requireNonNull(jwks, "trustedPublicJwks");
      return this;
    }

    /** Builds the reader; it connects on each call. */
    public KafkaAuditLog build() {
      return new KafkaAuditLog(this);
    }
  }
}
