package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call below the write-ahead risk is one record (decision and outcome), whose queue slot is
 * reserved before the body runs: the overflow behaviour still decides before the body, the slot is
 * given back on every path that does not run the body, and a privileged call keeps its two records.
 */
class OneRecordCallTest {
  /** A LOW tool whose body waits for a latch, and a HIGH one. */
  public interface Gated {
    @AgentTool(value = "tickets.gated", action = "read", risk = Risk.LOW)
    String gated(@Attr("resource.id") String id);

    @AgentTool(value = "tickets.boom", action = "read", risk = Risk.LOW)
    String boom(@Attr("resource.id") String id);

    @AgentTool(value = "tickets.wipe", action = "write", risk = Risk.HIGH)
    String wipe(@Attr("resource.id") String id);
  }

  /** The smallest queue the builder allows: this many calls in flight hold every slot. */
  static final int CAPACITY = 16;

  static final class GatedImpl implements Gated {
    final AtomicInteger runs = new AtomicInteger();
    final CountDownLatch entered;
    volatile CountDownLatch release = new CountDownLatch(0);

    GatedImpl() {
      this(1);
    }

    GatedImpl(int holders) {
      this.entered = new CountDownLatch(holders);
    }

    @Override
    public String gated(String id) {
      runs.incrementAndGet();
      entered.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "gated " + id;
    }

    @Override
    public String boom(String id) {
      runs.incrementAndGet();
      throw new UnsupportedOperationException("secret detail " + id);
    }

    @Override
    public String wipe(String id) {
      runs.incrementAndGet();
      return "wiped " + id;
    }
  }

  static final PolicySet PERMIT_ALL =
      PolicySet.parse("version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n");

  @TempDir
  Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(CAPACITY + 4);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5); // bounded polling for another thread's progress, not for time to pass
    }
  }

  /** Starts {@link #CAPACITY} calls whose bodies wait, so their reserved records fill the queue. */
  private List<Future<String>> holdEverySlot(AgentTask task, Gated held, GatedImpl holder) throws Exception {
    List<Future<String>> holders = new java.util.ArrayList<>();
    for (int i = 0; i < CAPACITY; i++) {
      holders.add(pool.submit(task.wrap(() -> held.gated("T-1"))));
    }
    assertTrue(holder.entered.await(10, TimeUnit.SECONDS));
    return holders;
  }

  /** The lines of a trail being written, as ISO-8859-1 (a torn last line never fails the read). */
  private static List<String> linesOf(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<AuditEvent> calls(List<AuditEvent> events) {
    return events.stream().filter(e -> e.type().startsWith("tool.")).toList();
  }

  @Test
  void aLowCallIsOneRecordAndAHighCallTwoAndTheFileVerifies() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    GatedImpl impl = new GatedImpl();
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b.auditSink(AuditSinks.jsonLines(file))
        .writeAheadRisk(Risk.HIGH))) {
      Gated tools = f.guard.protect(Gated.class, impl);
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("gated T-1", tools.gated("T-1"));
        assertEquals("wiped T-2", tools.wipe("T-2"));
      }
      List<AuditEvent> calls = calls(f.drainedEvents());
      assertEquals(List.of("tool.decision", "tool.decision", "tool.completed"), GuardFixture.types(calls));
      AuditEvent low = calls.get(0);
      assertEquals("tickets.gated", low.tool());
      assertEquals("ALLOW", low.decision());
      assertEquals("success", low.outcome());
      assertTrue(low.durationMicros() >= 0);
      AuditEvent high = calls.get(1);
      assertNull(high.outcome(), "a write-ahead decision is written before its body, without an outcome");
      assertEquals(high.id(), calls.get(2).parent());
      assertEquals("success", calls.get(2).outcome());
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(1, lines.stream().filter(l -> l.contains("\"tickets.gated\"")).count(), "one line per LOW call");
    assertEquals(2, lines.stream().filter(l -> l.contains("\"tickets.wipe\"")).count(), "two lines per HIGH call");
    String lowLine = lines.stream().filter(l -> l.contains("\"tickets.gated\"")).findFirst().orElseThrow();
    assertFalse(lowLine.contains("\"reasons\""), "a plain allow's reasons are implied: " + lowLine);
    assertFalse(lowLine.contains("\"decision\""), "an outcome implies the ALLOW: " + lowLine);
    assertFalse(lowLine.contains("\"policyVersion\""), "the chain's current version is implied: " + lowLine);
    VerificationReport report = AuditLog.verify(file);
    assertTrue(report.ok(), report.toString());
    AuditEvent read = AuditLog.read(file).stream().filter(e -> "tickets.gated".equals(e.tool())).findFirst()
        .orElseThrow();
    assertEquals(List.of("permitted by all"), read.reasons());
    assertEquals(PERMIT_ALL.version(), read.policyVersion());
    assertEquals("ALLOW", read.decision());
    assertEquals(List.of(AuditEvent.DECISION, AuditEvent.REASONS, AuditEvent.POLICY_VERSION), read.impliedMembers());
  }

  @Test
  void theRecordIsStampedWithTheDecisionTimeNotTheWriteTime() throws Exception {
    GatedImpl impl = new GatedImpl();
    impl.release = new CountDownLatch(1);
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b)) {
      Gated tools = f.guard.protect(Gated.class, impl);
      try (AgentTask task = f.guard.startTask(allScopes())) {
        Future<String> call = pool.submit(task.wrap(() -> tools.gated("T-1")));
        assertTrue(impl.entered.await(10, TimeUnit.SECONDS));
        f.clock.advance(Duration.ofMinutes(1));
        impl.release.countDown();
        assertEquals("gated T-1", call.get(10, TimeUnit.SECONDS));
      }
      AuditEvent one = calls(f.drainedEvents()).get(0);
      assertEquals("2026-11-28T10:00:00.000Z", one.ts());
    }
  }

  @Test // docs/security-cases.md #29
  void denyAfterWaitWithAFullQueueDeniesBeforeTheBodyRunsAndRecordsTheDenial() throws Exception {
    // docs/security-cases.md #86
    GatedImpl holder = new GatedImpl(CAPACITY);
    holder.release = new CountDownLatch(1);
    GatedImpl second = new GatedImpl();
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).auditSink(sink).closeOnShutdown(false)
        .auditQueueCapacity(CAPACITY).auditOverflow(AuditOverflow.DENY_AFTER_WAIT, Duration.ofSeconds(2)).build()) {
      Gated held = guard.protect(Gated.class, holder);
      Gated refused = guard.protect(Gated.class, second);
      try (AgentTask task = guard.startTask(allScopes())) {
        await(() -> guard.auditHealth().queued() == 0, "the opening records written");
        List<Future<String>> holders = holdEverySlot(task, held, holder);
        Future<AccessDeniedException> denied = pool.submit(task.wrap(
            () -> assertThrows(AccessDeniedException.class, () -> refused.gated("T-2"))));
        await(() -> guard.auditHealth().refused() >= 1, "the reservation refused");
        assertEquals(0, second.runs.get(), "the body must not run when its record has no slot");
        holder.release.countDown(); // room for the denial record, which waits its bounded time for it
        assertEquals(DenyCode.AUDIT_UNAVAILABLE, denied.get(10, TimeUnit.SECONDS).code());
        for (Future<String> h : holders) {
          assertEquals("gated T-1", h.get(10, TimeUnit.SECONDS));
        }
        assertEquals(0, second.runs.get());
      }
    }
    List<AuditEvent> decisions = sink.events().stream().filter(e -> AuditEvent.TOOL_DECISION.equals(e.type()))
        .toList();
    assertTrue(decisions.stream().anyMatch(e -> "DENY".equals(e.decision())
        && DenyCode.AUDIT_UNAVAILABLE.name().equals(e.code()) && "T-2".equals(e.attributes().get("resource.id"))),
        decisions.toString());
    assertTrue(decisions.stream().noneMatch(e -> "T-2".equals(e.attributes().get("resource.id")) && e.outcome() != null));
  }

  @Test // docs/security-cases.md #29
  void gapWithAFullQueueRunsTheCallAndCountsItsRecord() throws Exception {
    GatedImpl holder = new GatedImpl(CAPACITY);
    holder.release = new CountDownLatch(1);
    GatedImpl second = new GatedImpl();
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).auditSink(sink).closeOnShutdown(false)
        .auditQueueCapacity(CAPACITY).auditOverflow(AuditOverflow.GAP, Duration.ZERO).build()) {
      Gated held = guard.protect(Gated.class, holder);
      Gated gapped = guard.protect(Gated.class, second);
      try (AgentTask task = guard.startTask(allScopes())) {
        await(() -> guard.auditHealth().queued() == 0, "the opening records written");
        List<Future<String>> holders = holdEverySlot(task, held, holder);
        assertEquals("gated T-2", pool.submit(task.wrap(() -> gapped.gated("T-2"))).get(10, TimeUnit.SECONDS));
        assertEquals(1, second.runs.get(), "GAP lets the call run");
        holder.release.countDown();
        for (Future<String> h : holders) {
          assertEquals("gated T-1", h.get(10, TimeUnit.SECONDS));
        }
      }
      assertTrue(guard.auditHealth().gaps() >= 1);
    }
    long counted = sink.events().stream().filter(e -> AuditEvent.AUDIT_GAP.equals(e.type()))
        .mapToLong(AuditEvent::count).sum();
    assertTrue(counted >= 1, "the dropped record is counted in an audit.gap");
    assertTrue(sink.events().stream().anyMatch(e -> "T-1".equals(e.attributes().get("resource.id"))
        && "success".equals(e.outcome())), "the call that held a slot is recorded");
    assertTrue(sink.events().stream().noneMatch(e -> "T-2".equals(e.attributes().get("resource.id"))));
  }

  @Test // docs/security-cases.md #57
  void slotsAreGivenBackWhenAnObligationRefusesOrTheBodyThrows() throws Exception {
    // docs/security-cases.md #86
    AtomicInteger obligationCalls = new AtomicInteger();
    GatedImpl impl = new GatedImpl();
    InMemoryAuditSink sink = AuditSinks.inMemory();
    try (AgentGuard guard = AgentGuard.builder().policy(PERMIT_ALL).auditSink(sink).closeOnShutdown(false)
        .auditQueueCapacity(CAPACITY).auditOverflow(AuditOverflow.DENY_AFTER_WAIT, Duration.ofMillis(100))
        .obligations((request, task, allow) -> {
          if (!"refused".equals(request.attributes().get("resource.id"))) {
            return null;
          }
          obligationCalls.incrementAndGet();
          return Decision.deny(DenyCode.FORBIDDEN, "the obligation refused");
        })
        .build()) {
      Gated tools = guard.protect(Gated.class, impl);
      try (AgentTask task = guard.startTask(allScopes())) {
        for (int i = 0; i < 10 * CAPACITY; i++) {
          AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.gated("refused"));
          assertEquals(DenyCode.FORBIDDEN, e.code());
          assertThrows(UnsupportedOperationException.class, () -> tools.boom("T-" + 1));
        }
        assertEquals(10 * CAPACITY, obligationCalls.get());
        assertEquals("gated T-ok", tools.gated("T-ok"), "no slot leaked: an allowed call still proceeds");
      }
      assertEquals(0, guard.auditHealth().refused(), "no record was refused for want of a slot");
    }
    assertEquals(10 * CAPACITY, sink.events().stream().filter(e -> "failure".equals(e.outcome())).count());
  }

  @Test
  void aThrowingBodyGetsItsOneFailureRecord() throws Exception {
    GatedImpl impl = new GatedImpl();
    try (GuardFixture f = new GuardFixture(PERMIT_ALL, b -> b)) {
      Gated tools = f.guard.protect(Gated.class, impl);
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertThrows(UnsupportedOperationException.class, () -> tools.boom("T-9"));
      }
      List<AuditEvent> calls = calls(f.drainedEvents());
      assertEquals(1, calls.size(), GuardFixture.types(calls).toString());
      AuditEvent one = calls.get(0);
      assertEquals("ALLOW", one.decision());
      assertEquals("failure", one.outcome());
      assertEquals(UnsupportedOperationException.class.getName(), one.error());
      assertFalse(one.toString().contains("secret detail"));
    }
  }

  @Test
  void aDecisionUnderTheOldVersionWrittenAfterAReloadKeepsItsVersion() throws Exception {
    // docs/security-cases.md #89
    Path policy = dir.resolve("policy.yaml");
    String v1 = "version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n";
    Files.writeString(policy, v1);
    Path file = dir.resolve("audit.jsonl");
    GatedImpl impl = new GatedImpl();
    impl.release = new CountDownLatch(1);
    String first;
    String second;
    try (AgentGuard guard = AgentGuard.builder().policy(policy).policyPollInterval(Duration.ofMillis(20))
        .auditSink(AuditSinks.jsonLines(file)).closeOnShutdown(false).build()) {
      Gated tools = guard.protect(Gated.class, impl);
      first = guard.policyVersion().orElseThrow();
      try (AgentTask task = guard.startTask(allScopes())) {
        Future<String> call = pool.submit(task.wrap(() -> tools.gated("T-old")));
        assertTrue(impl.entered.await(10, TimeUnit.SECONDS)); // decided under the first version
        Path tmp = dir.resolve("policy.tmp");
        Files.writeString(tmp, v1 + "  - id: more\n    effect: permit\n    tools: [\"notes.*\"]\n");
        Files.move(tmp, policy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        await(() -> !first.equals(guard.policyVersion().orElse(first)), "the new version");
        second = guard.policyVersion().orElseThrow();
        await(() -> {
          try {
            return Files.readString(file).contains(second);
          } catch (java.io.IOException e) {
            return false;
          }
        }, "the new policy.loaded written");
        impl.release.countDown(); // the old decision's record is written after the new policy.loaded
        assertEquals("gated T-old", call.get(10, TimeUnit.SECONDS));
        assertEquals("gated T-new", tools.gated("T-new"));
      }
    }
    assertNotEquals(first, second);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String old = lines.stream().filter(l -> l.contains("\"T-old\"")).findFirst().orElseThrow();
    String fresh = lines.stream().filter(l -> l.contains("\"T-new\"")).findFirst().orElseThrow();
    int loaded = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"policy.loaded\"") && lines.get(i).contains(second)) {
        loaded = i;
      }
    }
    assertTrue(loaded >= 0 && loaded < lines.indexOf(old), "the old decision was written after the reload");
    assertTrue(old.contains("\"policyVersion\":\"" + first + "\""), "an old version stays explicit: " + old);
    assertFalse(fresh.contains("\"policyVersion\""), "the current version is implied: " + fresh);
    assertTrue(AuditLog.verify(file).ok());
    List<AuditEvent> read = AuditLog.read(file);
    assertEquals(first, read.stream().filter(e -> "T-old".equals(e.attributes().get("resource.id"))).findFirst()
        .orElseThrow().policyVersion());
    assertEquals(second, read.stream().filter(e -> "T-new".equals(e.attributes().get("resource.id"))).findFirst()
        .orElseThrow().policyVersion());
  }

  @Test
  void aLenientReadThatLostAPolicyLoadedRestoresNoGuessedVersion() throws Exception {
    // docs/security-cases.md #87: a damaged policy.loaded must not make later decisions read as decided by the old version
    Path policy = dir.resolve("policy.yaml");
    String v1 = "version: 1\npolicies:\n  - id: all\n    effect: permit\n    tools: [\"**\"]\n";
    Files.writeString(policy, v1);
    Path file = dir.resolve("audit.jsonl");
    String first;
    String second;
    try (AgentGuard guard = AgentGuard.builder().policy(policy).policyPollInterval(Duration.ofMillis(20))
        .auditSink(AuditSinks.jsonLines(file)).closeOnShutdown(false).build()) {
      Gated tools = guard.protect(Gated.class, new GatedImpl());
      first = guard.policyVersion().orElseThrow();
      try (AgentTask task = guard.startTask(allScopes())) {
        assertEquals("gated T-old", tools.gated("T-old"));
        Path tmp = dir.resolve("policy.tmp");
        Files.writeString(tmp, v1 + "  - id: more\n    effect: permit\n    tools: [\"notes.*\"]\n");
        Files.move(tmp, policy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        await(() -> !first.equals(guard.policyVersion().orElse(first)), "the new version");
        second = guard.policyVersion().orElseThrow();
        String reloaded = second;
        // the source swaps the set, then records policy.loaded: a call in between states its version
        // explicitly (correct, not implied); wait until the record is written so T-new's is implied
        await(() -> linesOf(file).stream().anyMatch(l -> l.contains("\"policy.loaded\"") && l.contains(reloaded)),
            "the reload's policy.loaded in the file");
        assertEquals("gated T-new", tools.gated("T-new"));
      }
    }
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    int loaded = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"policy.loaded\"") && lines.get(i).contains(second)) {
        loaded = i;
      }
    }
    assertTrue(loaded >= 0, "the reload was recorded");
    String fresh = lines.stream().filter(l -> l.contains("\"T-new\"")).findFirst().orElseThrow();
    assertFalse(fresh.contains("\"policyVersion\""), "the new version is implied: " + fresh);
    lines.set(loaded, "{\"v\":2,\"seq\":"); // a torn write where the new version was stated
    Path damaged = dir.resolve("damaged.jsonl");
    Files.write(damaged, lines, StandardCharsets.UTF_8);

    List<dev.agentguard.core.UnreadableLine> unreadable = new java.util.ArrayList<>();
    List<AuditEvent> read = AuditLog.read(unreadable::add, damaged);
    assertEquals(1, unreadable.size());
    AuditEvent oldCall = read.stream().filter(e -> "T-old".equals(e.attributes().get("resource.id"))).findFirst()
        .orElseThrow();
    AuditEvent newCall = read.stream().filter(e -> "T-new".equals(e.attributes().get("resource.id"))).findFirst()
        .orElseThrow();
    assertEquals(first, oldCall.policyVersion());
    assertNotEquals(first, newCall.policyVersion(), "never the version before the lost line");
    boolean restated = lines.subList(loaded, lines.indexOf(fresh)).stream().anyMatch(l -> l.contains("\"audit.checkpoint\""));
    if (restated) {
      assertEquals(second, newCall.policyVersion()); // a checkpoint after the lost line stated the version again
    } else {
      assertNull(newCall.policyVersion(), "unknown after the lost line");
    }
    assertEquals("success", newCall.outcome()); // the members that depend on nothing else are still restored
    assertEquals("ALLOW", newCall.decision());
    assertFalse(AuditLog.verify(damaged).ok());
    assertThrows(IllegalArgumentException.class, () -> AuditLog.read(damaged));
  }
}
