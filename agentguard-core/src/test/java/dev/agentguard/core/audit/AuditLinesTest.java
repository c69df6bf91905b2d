package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.config;
import static dev.agentguard.core.audit.AuditTestSupport.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.VerificationReport.Kind;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ChainSealer;
import dev.agentguard.core.spi.AuditLineSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// docs/security-cases.md #84
/**
 * {@link AuditLog#verify(Iterable)} over lines taken from anywhere gives the file verifier's
 * verdict (the same verifier), and the opening record names its guard instance under the hash.
 */
class AuditLinesTest {
  @TempDir
  Path dir;
  TestSigner signer = new TestSigner();
  Path file;
  List<String> lines;

  @BeforeEach
  void writeLog() throws Exception {
    file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file))
        .withCheckpoints(signer, 5, Duration.ZERO).withInstance("pod-1"))) {
      for (int i = 0; i < 20; i++) {
        p.record(decision("task-" + (i % 2), i));
      }
      p.record(AuditEvent.builder(AuditEvent.TASK_COMPLETED).task("task-0"));
    }
    lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private VerificationReport verifyFile(List<String> content) throws Exception {
    Path f = dir.resolve("copy.jsonl");
    Files.write(f, content, StandardCharsets.UTF_8);
    return AuditLog.verify(signer.publicJwks(), f);
  }

  @Test
  void linesVerifyExactlyLikeTheFileTheyCameFrom() throws Exception {
    VerificationReport fromFile = AuditLog.verify(signer.publicJwks(), file);
    VerificationReport fromLines = AuditLog.verify(signer.publicJwks(), lines);
    assertTrue(fromLines.ok(), fromLines.toString());
    assertEquals(fromFile.eventsChecked(), fromLines.eventsChecked());
    assertEquals(fromFile.lastHash(), fromLines.lastHash());
    assertEquals(fromFile.lastCheckpointSeq(), fromLines.lastCheckpointSeq());
    assertTrue(fromLines.endedCleanly());
    List<String> withNewlines = lines.stream().map(l -> l + "\n").toList();
    assertTrue(AuditLog.verify(withNewlines).ok(), "a trailing newline per element is accepted");
  }

  // docs/security-cases.md #31
  @Test
  void everyTamperingIsReportedAsForTheFile() throws Exception {
    List<UnaryOperator<List<String>>> tamperings = List.of(
        l -> { l.set(8, l.get(8).replace("ALLOW", "DENY")); return l; },
        l -> { l.remove(10); return l; },
        l -> { Collections.swap(l, 11, 12); return l; },
        l -> { l.add(14, l.get(13)); return l; },
        l -> { l.set(3, "{not json"); return l; },
        l -> { l.remove(l.size() - 1); return l; },
        l -> { l.set(0, l.get(0).replace("pod-1", "pod-2")); return l; });
    for (UnaryOperator<List<String>> t : tamperings) {
      List<String> changed = t.apply(new ArrayList<>(lines));
      VerificationReport f = verifyFile(changed);
      VerificationReport s = AuditLog.verify(signer.publicJwks(), changed);
      assertEquals(f.ok(), s.ok(), f + " / " + s);
      assertEquals(f.kind(), s.kind(), f + " / " + s);
      assertEquals(f.firstBadSeq(), s.firstBadSeq(), f + " / " + s);
      assertEquals(f.eventsChecked(), s.eventsChecked());
      assertEquals(f.endedCleanly(), s.endedCleanly());
      if (!s.ok()) {
        assertTrue(s.problem().contains("(record "), s.problem());
      }
    }
  }

  @Test
  void aSequenceMayStartAtACheckpoint() {
    int cp = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"type\":\"audit.checkpoint\"")) {
        cp = i;
      }
    }
    VerificationReport r = AuditLog.verify(signer.publicJwks(), lines.subList(cp, lines.size()));
    assertTrue(r.ok(), r.toString());
    assertEquals(cp + 1, r.firstSeq().getAsLong());
    assertEquals(VerificationReport.SignatureCheck.PINNED, r.signatureCheck());
  }

  @Test
  void anIteratorThatThrowsIsAnIoError() {
    Iterable<String> broken = () -> new java.util.Iterator<>() {
      int n;

      @Override
      public boolean hasNext() {
        if (n == 3) {
          throw new IllegalStateException("connection lost");
        }
        return true;
      }

      @Override
      public String next() {
        return lines.get(n++);
      }
    };
    VerificationReport r = AuditLog.verify(broken);
    assertEquals(Kind.IO_ERROR, r.kind(), r.toString());
    // the verifier reads one record ahead: the failure to fetch the 4th stops it before the 3rd is checked
    assertEquals(2, r.eventsChecked());
  }

  @Test
  void theOpeningRecordNamesTheInstanceAndOnlyItMay() {
    List<AuditEvent> events = AuditLog.read(lines);
    assertEquals(AuditEvent.AUDIT_OPENED, events.get(0).type());
    assertEquals("pod-1", events.get(0).instance());
    assertTrue(events.stream().skip(1).allMatch(e -> e.instance() == null));
    assertEquals(new String(AuditLineSink.lineOf(events.get(3)), StandardCharsets.UTF_8), lines.get(3) + "\n",
        "lineOf gives back the bytes that were written");

    // a record other than audit.opened that carries an instance (hash recomputed) is refused
    AuditEvent d = events.get(2);
    AuditEvent forged = AuditEvent.recorded(d.toBuilder().instance("pod-9"), d.seq(), d.id(), d.ts(), d.parent(),
        d.prev(), null);
    forged = AuditEvent.recorded(forged.toBuilder(), d.seq(), d.id(), d.ts(), d.parent(), d.prev(),
        ChainSealer.hashOf(forged));
    List<String> changed = new ArrayList<>(lines);
    String line = new String(AuditLineSink.lineOf(forged), StandardCharsets.UTF_8);
    changed.set(2, line);
    VerificationReport r = AuditLog.verify(changed);
    assertFalse(r.ok());
    assertTrue(r.problem().contains("carries an instance"), r.problem());
  }

  @Test
  void aCallerCannotPutAnInstanceOnItsRecords() throws Exception {
    Path f = dir.resolve("caller.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(f)))) {
      p.record(decision("task-x", 1).instance("pod-evil"));
    }
    List<AuditEvent> events = AuditLog.read(f);
    assertNull(events.get(0).instance(), "a pipeline without an instance names none");
    assertTrue(events.stream().allMatch(e -> e.instance() == null), events.toString());
    assertTrue(AuditLog.verify(f).ok());
  }

  @Test
  void readAndReconstructTakeLines() {
    List<AuditEvent> task0 = AuditLog.reconstruct(lines, "task-0");
    assertEquals(AuditLog.reconstruct(file, "task-0"), task0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AuditLog.read(List.of(lines.get(0), "{}")));
    assertTrue(e.getMessage().startsWith("record 2: "), e.getMessage());
  }
}
