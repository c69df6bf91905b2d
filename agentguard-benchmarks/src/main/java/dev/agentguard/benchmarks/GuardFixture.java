package dev.agentguard.benchmarks;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.JsonLinesOptions;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A guard over two benchmark tools, a JSON Lines audit file in a temporary directory and one task
 * bound to the calling thread. Shared by the guard benchmarks.
 *
 * <p>Not thread-safe: one per benchmark thread.
 *
 * @since 0.1.0
 */
public final class GuardFixture implements AutoCloseable {

  /** The tools the benchmarks call. */
  public interface BenchTools {
    /** A LOW-risk read: audited asynchronously. */
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    String read(@Attr("resource.id") String ticketId);

    /** A HIGH-risk send: write-ahead audited (the sink takes the record before the body runs). */
    @AgentTool(value = "http.post", action = "send", risk = Risk.HIGH)
    String post(@Attr("destination.url") String url, @Redact String body);
  }

  /** The tool implementation: constant answers, so only the guard is measured. */
  public static final class BenchToolsImpl implements BenchTools {
    @Override
    public String read(String ticketId) {
      return "ticket";
    }

    @Override
    public String post(String url, String body) {
      return "sent";
    }
  }

  /** The policy: the agent may read tickets and post to the allowlisted hosts, in prod. */
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: bench-permit",
      "    effect: permit",
      "    agents: [\"agent-bench\"]",
      "    tools: [\"tickets.read\", \"http.post\"]",
      "    when: \"context.environment == 'prod'\"",
      "  - id: " + Scenario.FORBID_ID,
      "    effect: forbid",
      "    tools: [\"http.post\"]",
      "    when: \"!(destination.host in ['" + String.join("', '", Scenario.ALLOWLIST) + "'])\"",
      "");

  /** The URL the HIGH-risk call posts to (allowlisted). */
  public static final String URL = "https://" + Scenario.ALLOWLIST.get(0) + "/v1/events";

  /** A sink that drops every event. */
  static final AuditSink DISCARD = event -> { };

  /** Holds the writer inside the {@code stalled-gap} sink after {@link #stallWriter}; released by {@link #close}. */
  private final CountDownLatch stall = new CountDownLatch(1);
  private volatile boolean stalling;

  final Path dir;
  final Path auditFile;
  final AgentGuard guard;
  final BenchTools direct = new BenchToolsImpl();
  final BenchTools guarded;
  final AgentTask task;

  /** Builds the guard with a JSON Lines sink and binds a task to the calling thread. */
  public GuardFixture() {
    this("jsonl");
  }

  /**
   * Builds the guard and binds a task to the calling thread. {@code audit}: {@code jsonl} — a JSON
   * Lines file forced to disk after every batch (the default), default overflow (BLOCK);
   * {@code jsonl-fsync1s} — the same file forced at most once a second; {@code discard} — a sink that drops every event after the
   * pipeline sequenced and hash-chained it, BLOCK; {@code discard-gap} — the same with
   * {@link AuditOverflow#GAP}, so a caller never waits for the pipeline and only the caller
   * thread's own cost is left; {@code stalled-gap} — {@code GAP} with a sink that, after
   * {@link #stallWriter}, holds the writer until {@link #close}: once the queue is full every
   * call's record is dropped (counted in the gap), so the caller runs alone, without the writer
   * competing for the CPUs (a diagnostic: no call enqueues its record then).
   *
   * @throws IllegalArgumentException for another {@code audit} value
   */
  public GuardFixture(String audit) {
    boolean jsonLines;
    boolean gap;
    switch (audit) {
      case "jsonl":
      case "jsonl-fsync1s":
        jsonLines = true;
        gap = false;
        break;
      case "discard":
        jsonLines = false;
        gap = false;
        break;
      case "discard-gap":
      case "stalled-gap":
        jsonLines = false;
        gap = true;
        break;
      default:
        throw new IllegalArgumentException("unknown audit setup '" + audit + "'");
    }
    try {
      dir = Files.createTempDirectory("agentguard-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    auditFile = dir.resolve("audit.jsonl");
    AgentGuard.Builder builder = AgentGuard.builder()
        .policy(PolicySet.parse(POLICY, "guard-bench"))
        .auditSink(!jsonLines ? (audit.equals("stalled-gap") ? this::stalled : DISCARD)
            : audit.equals("jsonl-fsync1s")
                ? AuditSinks.jsonLines(auditFile, JsonLinesOptions.builder()
                    .fsyncInterval(Duration.ofSeconds(1)).build())
                : AuditSinks.jsonLines(auditFile))
        .maxTaskTtl(Duration.ofHours(2));
    if (gap) {
      builder.auditOverflow(AuditOverflow.GAP, Duration.ZERO);
    }
    guard = builder.build();
    guarded = guard.protect(BenchTools.class, direct);
    task = startBenchTask(guard);
  }

  /** Starts the benchmark agent's task on {@code guard} and binds it to the calling thread. */
  static AgentTask startBenchTask(AgentGuard guard) {
    return guard.startTask(TaskSpec.builder(AgentIdentity.of("agent-bench"))
        .purpose("benchmark")
        .onBehalfOf("user:bench")
        .scopes("tickets.read", "http.post")
        .ttl(Duration.ofHours(1))
        .context("environment", "prod")
        .build());
  }

  /**
   * From now on the {@code stalled-gap} sink holds the writer until {@link #close}: the queue fills
   * and every later LOW call's record is dropped (counted in the gap). Call after the set-up calls,
   * which need the writer (the HIGH-risk call waits for its record).
   */
  public void stallWriter() {
    stalling = true;
  }

  /** The {@code stalled-gap} sink: drops the event; after {@link #stallWriter}, once {@link #close} released it. */
  private void stalled(AuditEvent event) {
    if (!stalling) {
      return;
    }
    try {
      stall.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends the task and closes the guard, draining the audit queue; the files stay. */
  @Override
  public void close() {
    stall.countDown();
    task.close();
    guard.close();
  }

  /** Deletes the audit file and its directory. */
  public void deleteFiles() {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
