package dev.agentguard.cli;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.JsonLinesOptions;
import dev.agentguard.core.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes real audit trails: a real {@link AgentGuard} with {@link AuditSinks#jsonLines} running a
 * fixed scenario against {@link ShopTools}, one second of fake time per call.
 */
final class Trails {
  static final String CLERK = "spiffe://shop.test/agent/clerk";
  static final String AUDITOR = "spiffe://shop.test/agent/auditor";
  /** Start of the fake clock. */
  static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: clerk-tools",
      "    effect: permit",
      "    agents: [\"spiffe://shop.test/agent/*\"]",
      "    tools: [\"orders.read\", \"files.read\", \"email.send\", \"notes.write\", \"vault.open\"]",
      "  - id: no-restricted",
      "    effect: forbid",
      "    tools: [\"**\"]",
      "    when: resource.sensitivity == 'restricted' && tool.name != 'vault.open'",
      "");

  /** What a scenario wrote. */
  record Written(Path file, Path policy, SigningKey key, String taskA, String taskB) {}

  private Trails() {}

  /** A fake clock that only moves when told. */
  static final class FakeClock extends Clock {
    private final AtomicLong millis = new AtomicLong(T0.toEpochMilli());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }

  /**
   * The scenario. Task A (clerk): reads order O-1 (confidential), sends an e-mail, writes a note
   * holding {@code note}, tries a restricted file (FORBIDDEN), opens the vault with a redacted
   * secret, calls out of scope. Task B (auditor): sends an e-mail without reading anything first.
   */
  static Written write(Path dir, String note, long maxFileBytes) throws IOException {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY, StandardCharsets.UTF_8);
    Path file = dir.resolve("audit.jsonl");
    FakeClock clock = new FakeClock();
    SigningKey key = SigningKey.generate();
    JsonLinesOptions options = JsonLinesOptions.builder().maxFileBytes(maxFileBytes).build();
    String taskA;
    String taskB;
    try (AgentGuard guard = AgentGuard.builder()
        .policy(policy)
        .auditSink(AuditSinks.jsonLines(file, options))
        .clock(clock)
        .signingKey(key)
        .auditCheckpoints(6, Duration.ofHours(1))
        .internalHosts("*.shop.test")
        .build()) {
      ShopTools tools = guard.protect(ShopTools.class, new ShopTools.Impl());
      try (AgentTask a = guard.startTask(TaskSpec.builder(AgentIdentity.of(CLERK)).purpose("refund O-1")
          .scopes("orders.*", "files.*", "email.send", "notes.*", "vault.*").build())) {
        taskA = a.id();
        call(clock, () -> tools.read("O-1"));
        call(clock, () -> tools.send("smtp://relay.shop.test", "refund approved"));
        call(clock, () -> tools.write(note));
        call(clock, () -> tools.file("F-7", "restricted"));
        call(clock, () -> tools.open("hunter2"));
      }
      try (AgentTask b = guard.startTask(TaskSpec.builder(AgentIdentity.of(AUDITOR))
          .scopes("email.send", "orders.*").build())) {
        taskB = b.id();
        call(clock, () -> tools.send("smtp://relay.shop.test", "weekly digest"));
        call(clock, () -> tools.write("not in scope"));
      }
    }
    return new Written(file, policy, key, taskA, taskB);
  }

  private static void call(FakeClock clock, Runnable r) {
    clock.advance(Duration.ofSeconds(1));
    try {
      r.run();
    } catch (AccessDeniedException expected) {
      // recorded as a denial
    }
  }

  /** A JSON tool catalog of {@link ShopTools}, as {@code --tools} reads it. */
  static Path catalog(Path dir) throws IOException {
    Path catalog = dir.resolve("tools.json");
    Files.writeString(catalog, "[{\"name\":\"orders.read\",\"risk\":\"low\",\"sensitivity\":\"confidential\"},"
        + "{\"name\":\"files.read\",\"risk\":\"low\",\"sensitivity\":\"internal\"},"
        + "{\"name\":\"email.send\",\"risk\":\"medium\",\"sensitivity\":\"internal\"},"
        + "{\"name\":\"notes.write\",\"risk\":\"high\",\"sensitivity\":\"internal\"},"
        + "{\"name\":\"vault.open\",\"risk\":\"critical\",\"sensitivity\":\"restricted\"}]");
    return catalog;
  }

  /** The lines of a file. */
  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }
}
