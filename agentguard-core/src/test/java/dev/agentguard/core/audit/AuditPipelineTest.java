package dev.agentguard.core.audit;

import dev.agentguard.core.TestClock;
import static dev.agentguard.core.audit.AuditTestSupport.await;
import static dev.agentguard.core.audit.AuditTestSupport.captureStderr;
import static dev.agentguard.core.audit.AuditTestSupport.config;
import static dev.agentguard.core.audit.AuditTestSupport.count;
import static dev.agentguard.core.audit.AuditTestSupport.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditOverflow;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.JsonLinesOptions;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ChainHead;
import dev.agentguard.core.internal.audit.ChainSealer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's contract: the chain it seals, write-ahead, overflow (docs/security-cases.md #29),
 * failing and stalling sinks (#30), a clock stepping back (#32), checkpoints, resume and rotation.
 */
class AuditPipelineTest {
  @TempDir
  Path dir;

  @Test
  void sealsGapFreeSeqPrevHashAndParentPerTask() {
    InMemoryAuditSink mem = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(config(mem))) {
      for (int i = 0; i < 30; i++) {
        assertTrue(p.record(decision("task-" + (i % 3), i)));
      }
      assertTrue(p.record(AuditEvent.builder(AuditEvent.TASK_COMPLETED).task("task-0")));
      assertTrue(p.record(decision("task-0", 99)));
    }
    List<AuditEvent> events = mem.events();
    assertEquals(34, events.size(), "the opening record, 32 events, the close record");
    assertEquals(AuditEvent.AUDIT_OPENED, events.get(0).type());
    assertEquals(AuditEvent.AUDIT_CLOSED, events.get(33).type());
    String prev = AuditJson.GENESIS;
    Map<String, String> last = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      assertEquals(i + 1, e.seq());
      assertEquals(AuditEvent.FORMAT_VERSION, e.v()); // 2 since records may imply members (docs/audit.md)
      assertEquals(prev, e.prev());
      assertEquals(ChainSealer.hashOf(e), e.hash());
      assertNotNull(e.id());
      if (e.task() != null) {
        assertEquals(last.get(e.task()), e.parent(), "parent of seq " + e.seq());
        if (e.type().equals(AuditEvent.TASK_COMPLETED)) {
          last.remove(e.task());
        } else {
          last.put(e.task(), e.id());
        }
      }
      prev = e.hash();
    }
    assertNull(events.get(32).parent(), "a task is forgotten after task.completed");
    assertEquals(34, events.stream().map(AuditEvent::id).distinct().count());
  }

  @Test
  void seqStaysMonotonicWhenTheClockStepsBackwards() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-28T10:00:00.250Z"));
    Path file = dir.resolve("audit.jsonl");
    InMemoryAuditSink mem = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file), mem).withClock(clock))) {
      for (int i = 0; i < 10; i++) {
        assertTrue(p.recordDurably(decision("t", i), Duration.ofSeconds(5)));
        clock.advance(Duration.ofMinutes(-7));
      }
    }
    List<AuditEvent> events = mem.events();
    assertEquals("2026-11-28T10:00:00.250Z", events.get(1).ts());
    assertEquals("2026-11-28T09:53:00.250Z", events.get(2).ts());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).seq());
    }
    assertTrue(AuditLog.verify(file).ok());
  }

  @Test
  void recordsAfterCloseAreRefusedAndCloseIsIdempotent() {
    InMemoryAuditSink mem = AuditSinks.inMemory();
    AuditPipeline p = AuditPipeline.start(config(mem));
    assertTrue(p.record(decision("t", 1)));
    p.close();
    p.close();
    assertFalse(p.record(decision("t", 2)));
    assertFalse(p.recordDurably(decision("t", 3), Duration.ofMillis(50)));
    assertEquals(List.of(AuditEvent.AUDIT_OPENED, AuditEvent.TOOL_DECISION, AuditEvent.AUDIT_CLOSED),
        mem.events().stream().map(AuditEvent::type).toList());
    assertEquals(2, p.health().refused());
    assertFalse(p.health().healthy());
    assertThrows(IllegalStateException.class, () -> mem.write(mem.events().get(0)));
  }

  @Test
  void writeAheadReturnsOnlyAfterEverySinkWroteAndFlushed() {
    ControllableSink a = new ControllableSink();
    ControllableSink b = new ControllableSink();
    try (AuditPipeline p = AuditPipeline.start(config(a, b))) {
      for (int i = 0; i < 50; i++) {
        p.record(decision("t", i));
        assertTrue(p.recordDurably(decision("t", 1000 + i), Duration.ofSeconds(5)));
        long seqOfDurable = 2L * (i + 1) + 1; // after the opening record
        assertTrue(a.flushed().stream().anyMatch(e -> e.seq() == seqOfDurable));
        assertTrue(b.flushed().stream().anyMatch(e -> e.seq() == seqOfDurable));
      }
    }
  }

  @Test
  void failingSinkIsRetriedInOrderLoggedOnceAndWriteAheadFailsClosed() throws Exception {
    ControllableSink sink = new ControllableSink();
    InMemoryAuditSink mem = AuditSinks.inMemory();
    String log = captureStderr(() -> {
      try (AuditPipeline p = AuditPipeline.start(config(sink, mem))) {
        assertTrue(p.recordDurably(decision("t", 0), Duration.ofSeconds(5)));
        sink.failWrites = true;
        for (int i = 1; i <= 20; i++) {
          assertTrue(p.record(decision("t", i)));
        }
        assertFalse(p.recordDurably(decision("t", 21), Duration.ofMillis(100)), "write-ahead must fail closed");
        await("retries", Duration.ofSeconds(5), () -> sink.writeAttempts.get() > 4);
        assertFalse(p.health().healthy());
        assertTrue(p.health().failingSink().contains(ControllableSink.class.getName()));
        assertTrue(p.health().lastError().contains("IOException"));
        assertFalse(p.health().lastError().contains("disk on fire"), "health carries no messages");
        sink.failWrites = false;
        assertTrue(p.recordDurably(decision("t", 22), Duration.ofSeconds(5)));
        assertTrue(p.health().healthy());
      }
    });
    assertEquals(1, count(log, "failed to write"), log);
    assertEquals(1, count(log, "recovered"), log);
    List<AuditEvent> taken = sink.taken();
    assertEquals(mem.events(), taken);
    for (int i = 0; i < taken.size(); i++) {
      assertEquals(i + 1, taken.get(i).seq());
    }
    assertTrue(taken.size() >= 22, "everything queued during the failure was written after recovery");
  }

  @Test
  void stallingSinkNeverBlocksAsyncCallersAndWriteAheadTimesOut() throws Exception {
    ControllableSink sink = new ControllableSink();
    sink.gate = new CountDownLatch(1);
    try (AuditPipeline p = AuditPipeline.start(config(sink))) {
      assertTrue(p.record(decision("t", 0)));
      assertTrue(sink.entered.await(5, TimeUnit.SECONDS));
      long t0 = System.nanoTime();
      for (int i = 1; i <= 100; i++) {
        assertTrue(p.record(decision("t", i)));
      }
      assertFalse(p.recordDurably(decision("t", 101), Duration.ofMillis(50)));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
      sink.gate.countDown();
    }
    assertTrue(sink.taken().size() >= 101);
  }

  @Test
  void closeGivesUpOnASinkThatKeepsFailingAndSaysHowManyItMissed() throws Exception {
    ControllableSink bad = new ControllableSink();
    bad.failWrites = true;
    InMemoryAuditSink good = AuditSinks.inMemory();
    AuditConfig cfg = config(bad, good).withCloseTimeout(Duration.ofMillis(300));
    String log = captureStderr(() -> {
      AuditPipeline p = AuditPipeline.start(cfg);
      for (int i = 0; i < 5; i++) {
        p.record(decision("t", i));
      }
      long t0 = System.nanoTime();
      p.close();
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "close is bounded");
    });
    assertEquals(7, good.events().size(), "opening record, 5 events, close record");
    assertEquals(1, count(log, "gave up on it: 7 events were not written"), log);
  }

  @Test
  void gapModeDropsWithoutBlockingAndCountsInAGapEvent() throws Exception {
    ControllableSink sink = new ControllableSink();
    sink.gate = new CountDownLatch(1);
    AuditConfig cfg = config(sink).withQueueCapacity(4).withOverflow(AuditOverflow.GAP, Duration.ZERO);
    try (AuditPipeline p = AuditPipeline.start(cfg)) {
      // the writer is held inside the sink by the opening record: the queue takes 4 records
      assertTrue(p.record(decision("t", 0)));
      assertTrue(sink.entered.await(5, TimeUnit.SECONDS));
      for (int i = 1; i <= 14; i++) {
        assertTrue(p.record(decision("t", i)));
      }
      assertEquals(11, p.health().gaps());
      sink.gate.countDown();
    }
    List<AuditEvent> events = sink.taken();
    assertEquals(7, events.size(), "opened, 4 decisions, the gap, closed");
    AuditEvent gap = events.stream().filter(e -> e.type().equals(AuditEvent.AUDIT_GAP)).findFirst().orElseThrow();
    assertEquals(11L, gap.count());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).seq());
    }
  }

  @Test
  void denyAfterWaitRefusesWhenTheQueueStaysFull() throws Exception {
    ControllableSink sink = new ControllableSink();
    sink.gate = new CountDownLatch(1);
    AuditConfig cfg = config(sink).withQueueCapacity(4)
        .withOverflow(AuditOverflow.DENY_AFTER_WAIT, Duration.ofMillis(10));
    try (AuditPipeline p = AuditPipeline.start(cfg)) {
      // the writer is held inside the sink by the opening record: the queue takes 4 records
      assertTrue(p.record(decision("t", 0)));
      assertTrue(sink.entered.await(5, TimeUnit.SECONDS));
      for (int i = 1; i <= 3; i++) {
        assertTrue(p.record(decision("t", i)));
      }
      assertFalse(p.record(decision("t", 4)));
      assertEquals(1, p.health().refused());
      sink.gate.countDown();
    }
    assertEquals(6, sink.taken().size(), "opened, 4 decisions, closed");
  }

  @Test
  void blockModeMakesTheCallerWaitAndLosesNothing() throws Exception {
    ControllableSink sink = new ControllableSink();
    sink.gate = new CountDownLatch(1);
    AuditConfig cfg = config(sink).withQueueCapacity(2);
    try (AuditPipeline p = AuditPipeline.start(cfg)) {
      // the writer is held inside the sink by the opening record: the queue takes 2 records
      assertTrue(p.record(decision("t", 0)));
      assertTrue(sink.entered.await(5, TimeUnit.SECONDS));
      assertTrue(p.record(decision("t", 1)));
      AtomicBoolean returned = new AtomicBoolean();
      Thread blocked = new Thread(() -> returned.set(p.record(decision("t", 2))));
      blocked.start();
      blocked.join(200);
      assertTrue(blocked.isAlive(), "the caller waits for room");
      sink.gate.countDown();
      blocked.join(5000);
      assertTrue(returned.get());
    }
    assertEquals(5, sink.taken().size(), "opened, 3 decisions, closed");
  }

  @Test
  void checkpointsEveryNEventsAndAtCloseVerifyUnderThePinnedKey() throws Exception {
    TestSigner signer = new TestSigner();
    Path file = dir.resolve("audit.jsonl");
    AuditConfig cfg = config(AuditSinks.jsonLines(file)).withCheckpoints(signer, 10, Duration.ZERO);
    try (AuditPipeline p = AuditPipeline.start(cfg)) {
      for (int i = 0; i < 25; i++) {
        p.record(decision("t", i));
      }
    }
    List<AuditEvent> events = AuditLog.read(file);
    List<Long> cps = new ArrayList<>();
    for (AuditEvent e : events) {
      if (e.type().equals(AuditEvent.AUDIT_CHECKPOINT)) {
        cps.add(e.seq());
        assertEquals(signer.keyId(), e.keyId());
      }
    }
    // seq 1 is the opening record (not counted); the close record (seq 29) replaces the final checkpoint
    assertEquals(List.of(12L, 23L), cps);
    AuditEvent closed = events.get(events.size() - 1);
    assertEquals(AuditEvent.AUDIT_CLOSED, closed.type());
    assertEquals(29, closed.seq());
    assertEquals(signer.keyId(), closed.keyId());
    VerificationReport pinned = AuditLog.verify(signer.publicJwks(), file);
    assertTrue(pinned.ok(), pinned.toString());
    assertTrue(pinned.signaturesPinned());
    assertEquals(VerificationReport.SignatureCheck.PINNED, pinned.signatureCheck());
    assertTrue(pinned.endedCleanly());
    assertEquals(2, pinned.checkpoints());
    assertEquals(23, pinned.lastCheckpointSeq().getAsLong());
    VerificationReport unpinned = AuditLog.verify(file);
    assertTrue(unpinned.ok());
    assertFalse(unpinned.signaturesPinned());
    assertEquals(VerificationReport.SignatureCheck.SELF_CONSISTENT, unpinned.signatureCheck());
    VerificationReport otherKey = AuditLog.verify(new TestSigner().publicJwks(), file);
    assertEquals(VerificationReport.Kind.BAD_CHECKPOINT, otherKey.kind());
    assertEquals(1, otherKey.firstBadSeq().getAsLong(), "the opening record declares a key that is not pinned");
  }

  @Test
  void intervalCheckpointIsDrivenByTheWriterLoopAndTheInjectedClock() {
    TestSigner signer = new TestSigner();
    TestClock clock = new TestClock(Instant.parse("2026-11-28T10:00:00Z"));
    InMemoryAuditSink mem = AuditSinks.inMemory();
    AuditConfig cfg = config(mem).withClock(clock).withCheckpoints(signer, 0, Duration.ofMinutes(1));
    try (AuditPipeline p = AuditPipeline.start(cfg)) {
      for (int i = 0; i < 3; i++) {
        p.record(decision("t", i));
      }
      await("3 events", Duration.ofSeconds(5), () -> mem.events().size() == 4);
      clock.advance(Duration.ofSeconds(61));
      await("interval checkpoint", Duration.ofSeconds(5), () -> mem.events().size() == 5);
      AuditEvent cp = mem.events().get(4);
      assertEquals(AuditEvent.AUDIT_CHECKPOINT, cp.type());
      assertEquals(mem.events().get(3).hash(), cp.prev());
    }
    assertEquals(6, mem.events().size(), "no checkpoint at close: only the close record");
    assertEquals(AuditEvent.AUDIT_CLOSED, mem.events().get(5).type());
  }

  @Test
  void appendingToAnExistingFileContinuesItsChain() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      for (int i = 0; i < 5; i++) {
        p.record(decision("t", i));
      }
    }
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      for (int i = 0; i < 5; i++) {
        p.record(decision("t", i));
      }
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok(), r.toString());
    assertEquals(14, r.eventsChecked(), "two runs, each with its opening and close record");
    assertTrue(r.endedCleanly());
    assertEquals(List.of(), r.uncleanRestartSeqs());
  }

  @Test
  void configuredHeadThatDisagreesWithTheFileIsRefused() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      p.record(decision("t", 1));
    }
    AuditConfig cfg = config(AuditSinks.jsonLines(file)).withResumeFrom(new ChainHead(7, "sha256:" + "1".repeat(64)));
    assertThrows(IllegalStateException.class, () -> AuditPipeline.start(cfg));
    InMemoryAuditSink mem = AuditSinks.inMemory();
    try (AuditPipeline p = AuditPipeline.start(config(mem).withResumeFrom(new ChainHead(7, "sha256:" + "1".repeat(64))))) {
      p.record(decision("t", 1));
    }
    assertEquals(8, mem.events().get(0).seq());
    assertEquals("sha256:" + "1".repeat(64), mem.events().get(0).prev());
  }

  @Test
  void tornLastLineIsMovedAsideAndTheNewFileContinuesFromTheLastCompleteLine() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      for (int i = 0; i < 5; i++) {
        p.record(decision("t", i));
      }
    }
    Files.write(file, "{\"v\":1,\"seq\":8,\"id\":\"x".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    String log = captureStderr(() -> {
      try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
        p.record(decision("t", 9));
      }
    });
    assertTrue(log.contains("torn line"), log);
    Path aside = dir.resolve("audit.jsonl.1");
    assertEquals(List.of(aside, file), AuditLog.files(file));
    VerificationReport old = AuditLog.verify(aside);
    assertEquals(VerificationReport.Kind.TORN_LAST_LINE, old.kind());
    assertEquals(8, old.firstBadSeq().getAsLong());
    VerificationReport both = AuditLog.verify(aside, file);
    assertEquals(VerificationReport.Kind.TORN_LINE, both.kind(), "the crash stays visible");
    VerificationReport fresh = AuditLog.verify(file);
    assertTrue(fresh.ok());
    assertEquals(8, fresh.firstSeq().getAsLong());
    assertEquals(AuditLog.read(aside).get(6).hash(), AuditLog.read(file).get(0).prev());
  }

  @Test
  void corruptLastLineRefusesToContinueTheChain() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      p.record(decision("t", 1));
    }
    // the last line is the close record: make its content disagree with its hash
    String text = Files.readString(file).replace("\"audit.closed\"", "\"audit.opened\"");
    Files.writeString(file, text);
    assertThrows(IllegalStateException.class, () -> AuditSinks.jsonLines(file));
  }

  @Test
  void rotationKeepsFilesBoundedAndTheChainContinuous() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    JsonLinesOptions opts = JsonLinesOptions.builder().maxFileBytes(2_000).build();
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file, opts)))) {
      for (int i = 0; i < 60; i++) {
        p.record(decision("t", i));
      }
    }
    List<Path> files = AuditLog.files(file);
    assertTrue(files.size() > 3, files.toString());
    for (Path f : files) {
      assertTrue(Files.size(f) <= 2_000, f + " " + Files.size(f));
    }
    VerificationReport r = AuditLog.verify(files.toArray(new Path[0]));
    assertTrue(r.ok(), r.toString());
    assertEquals(62, r.eventsChecked(), "60 events, the opening and the close record");
    AuditEvent firstOfSecond = AuditLog.read(files.get(1)).get(0);
    List<AuditEvent> first = AuditLog.read(files.get(0));
    assertEquals(first.get(first.size() - 1).hash(), firstOfSecond.prev());
  }

  @Test
  void jsonLinesOptionsFailFastOnMisuse() {
    assertThrows(IllegalArgumentException.class, () -> JsonLinesOptions.builder().maxFileBytes(-1));
    assertThrows(IllegalStateException.class,
        () -> JsonLinesOptions.builder().fsync(JsonLinesOptions.Fsync.NEVER).fsync(JsonLinesOptions.Fsync.NEVER));
    assertThrows(IllegalArgumentException.class, () -> JsonLinesOptions.builder().fsyncInterval(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> JsonLinesOptions.builder().fsync(JsonLinesOptions.Fsync.INTERVAL));
    assertThrows(IllegalStateException.class,
        () -> JsonLinesOptions.builder().fsync(JsonLinesOptions.Fsync.NEVER).fsyncInterval(Duration.ofSeconds(1)));
    assertEquals(Duration.ofSeconds(1),
        JsonLinesOptions.builder().fsyncInterval(Duration.ofSeconds(1)).build().fsyncInterval());
    assertThrows(IllegalArgumentException.class, () -> config(AuditSinks.inMemory()).withQueueCapacity(0));
    assertThrows(IllegalArgumentException.class, () -> AuditConfig.defaults(List.of()));
  }

  @Test
  void failingFlushFailsWriteAheadClosedUntilItRecovers() {
    ControllableSink sink = new ControllableSink();
    try (AuditPipeline p = AuditPipeline.start(config(sink))) {
      sink.failFlushes = true;
      assertFalse(p.recordDurably(decision("t", 1), Duration.ofMillis(100)));
      assertTrue(sink.flushed().stream().noneMatch(e -> e.type().equals(AuditEvent.TOOL_DECISION)));
      sink.failFlushes = false;
      assertTrue(p.recordDurably(decision("t", 2), Duration.ofSeconds(5)));
      assertEquals(2, sink.flushed().stream().filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).count(),
          "the timed-out record was already taken and is written");
    }
  }

  @Test
  void gapEventsVerifyInTheFile() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    ControllableSink gate = new ControllableSink();
    gate.gate = new CountDownLatch(1);
    AuditConfig cfg = config(gate, AuditSinks.jsonLines(file)).withQueueCapacity(2)
        .withOverflow(AuditOverflow.GAP, Duration.ZERO);
    try (AuditPipeline p = AuditPipeline.start(cfg)) {
      p.record(decision("t", 0));
      assertTrue(gate.entered.await(5, TimeUnit.SECONDS));
      for (int i = 1; i <= 5; i++) {
        p.record(decision("t", i));
      }
      gate.gate.countDown();
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok(), r.toString());
    // the writer is held inside the gate by the opening record: the queue takes 2, 4 are dropped
    assertEquals(4L, AuditLog.read(file).stream().filter(e -> e.type().equals(AuditEvent.AUDIT_GAP))
        .findFirst().orElseThrow().count());
  }

  @Test
  void failingCheckpointSignerIsLoggedOnceAndEventsStillFlow() throws Exception {
    InMemoryAuditSink mem = AuditSinks.inMemory();
    dev.agentguard.core.internal.audit.CheckpointSigner broken = new dev.agentguard.core.internal.audit.CheckpointSigner() {
      @Override
      public String keyId() {
        return "k";
      }

      @Override
      public String publicJwks() {
        return "{\"keys\":[]}";
      }

      @Override
      public byte[] sign(byte[] message) {
        throw new IllegalStateException("hsm offline");
      }
    };
    String log = captureStderr(() -> {
      try (AuditPipeline p = AuditPipeline.start(config(mem).withCheckpoints(broken, 2, Duration.ZERO))) {
        for (int i = 0; i < 10; i++) {
          assertTrue(p.record(decision("t", i)));
        }
      }
    });
    assertEquals(12, mem.events().size(), "10 events, the opening record and an unsigned close record");
    assertNull(mem.events().get(11).signature());
    assertEquals(1, count(log, "checkpoint signer failed"), log);
  }
}
