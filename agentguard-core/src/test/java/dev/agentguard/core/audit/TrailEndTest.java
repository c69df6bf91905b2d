package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.config;
import static dev.agentguard.core.audit.AuditTestSupport.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.VerificationReport.Kind;
import dev.agentguard.core.VerificationReport.SignatureCheck;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.AuditLineParser;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.ByteBuf;
import dev.agentguard.core.internal.audit.ChainSealer;
import dev.agentguard.core.internal.audit.CheckpointSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/security-cases.md #31 and #45: every run opens with a record naming its signing key and a
 * clean close ends it with a signed close record, so a truncated trail or a run that stopped without
 * closing shows as such; signatures verify against a pinned key set, or only against the trail's
 * own opening record.
 */
class TrailEndTest {
  @TempDir
  Path dir;
  final TestSigner signer = new TestSigner();

  private Path write(String name, TestSigner key, int events) {
    Path file = dir.resolve(name);
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)).withCheckpoints(key, 5, Duration.ZERO))) {
      for (int i = 0; i < events; i++) {
        p.record(decision("t", i));
      }
    }
    return file;
  }

  private VerificationReport verifyLines(List<String> lines, String jwks) throws Exception {
    Path f = dir.resolve("edited-" + System.nanoTime() + ".jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return jwks == null ? AuditLog.verify(f) : AuditLog.verify(jwks, f);
  }

  private static String line(AuditEvent unhashed) {
    ByteBuf b = new ByteBuf(512);
    AuditJson.writeCanonical(unhashed, b);
    AuditJson.appendHash(b, ChainSealer.hashOf(unhashed));
    return new String(b.array(), 0, b.length() - 1, StandardCharsets.UTF_8);
  }

  @Test
  void aCleanCloseEndsTheTrailWithASignedCloseRecordAndTheOpeningRecordNamesTheKey() throws Exception {
    Path file = write("audit.jsonl", signer, 12);
    List<AuditEvent> events = AuditLog.read(file);
    AuditEvent opened = events.get(0);
    assertEquals(AuditEvent.AUDIT_OPENED, opened.type());
    assertEquals(signer.keyId(), opened.keyId());
    assertEquals(signer.publicJwks(), opened.jwks());
    AuditEvent closed = events.get(events.size() - 1);
    assertEquals(AuditEvent.AUDIT_CLOSED, closed.type());
    assertEquals(signer.keyId(), closed.keyId());

    VerificationReport self = AuditLog.verify(file);
    assertTrue(self.ok() && self.endedCleanly(), self.toString());
    assertEquals(SignatureCheck.SELF_CONSISTENT, self.signatureCheck());
    VerificationReport pinned = AuditLog.verify(signer.publicJwks(), file);
    assertTrue(pinned.ok() && pinned.endedCleanly(), pinned.toString());
    assertEquals(SignatureCheck.PINNED, pinned.signatureCheck());
  }

  @Test
  void aTruncatedTrailVerifiesButDoesNotEndCleanly() throws Exception {
    List<String> lines = Files.readAllLines(write("audit.jsonl", signer, 12));
    for (int cut = 1; cut < lines.size(); cut++) {
      VerificationReport r = verifyLines(lines.subList(0, lines.size() - cut), signer.publicJwks());
      assertTrue(r.ok(), r.toString());
      assertFalse(r.endedCleanly(), "cut " + cut + ": " + r);
    }
  }

  @Test
  void aCloseRecordForgedAfterATruncationIsRejected() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(write("audit.jsonl", signer, 12)));
    lines.subList(lines.size() - 4, lines.size()).clear();
    AuditEvent head = AuditLineParser.parse(lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8), 0,
        lines.get(lines.size() - 1).length());
    TestSigner forger = new TestSigner();
    String sig = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(forger.sign(CheckpointSigner.closeMessage(head.seq(), head.hash())));
    for (String keyId : List.of(forger.keyId(), signer.keyId())) {
      List<String> forged = new ArrayList<>(lines);
      forged.add(line(AuditEvent.recorded(AuditEvent.builder(AuditEvent.AUDIT_CLOSED).signature(sig).keyId(keyId),
          head.seq() + 1, "x-" + (head.seq() + 1), head.ts(), null, head.hash(), null)));
      VerificationReport self = verifyLines(forged, null);
      assertEquals(Kind.BAD_CHECKPOINT, self.kind(), self.toString());
      assertEquals(head.seq() + 1, self.firstBadSeq().getAsLong());
      assertFalse(self.endedCleanly());
    }
    List<String> unsigned = new ArrayList<>(lines);
    unsigned.add(line(AuditEvent.recorded(AuditEvent.builder(AuditEvent.AUDIT_CLOSED), head.seq() + 1,
        "x-" + (head.seq() + 1), head.ts(), null, head.hash(), null)));
    VerificationReport r = verifyLines(unsigned, null);
    assertTrue(r.ok(), r.toString());
    assertFalse(r.endedCleanly(), "an unsigned close record does not end a signed run cleanly");
  }

  @Test
  void aRunRewrittenUnderAnotherKeyIsOnlySelfConsistentAndFailsAgainstThePinnedKey() throws Exception {
    Path forged = write("forged.jsonl", new TestSigner(), 12);
    VerificationReport self = AuditLog.verify(forged);
    assertTrue(self.ok() && self.endedCleanly());
    assertEquals(SignatureCheck.SELF_CONSISTENT, self.signatureCheck(), "self-consistent is not trust");
    VerificationReport pinned = AuditLog.verify(signer.publicJwks(), forged);
    assertEquals(Kind.BAD_CHECKPOINT, pinned.kind(), pinned.toString());
    assertEquals(1, pinned.firstBadSeq().getAsLong(), "the opening record declares an unpinned key");
  }

  @Test
  void aRestartAfterARunThatDidNotCloseIsReported() throws Exception {
    Path file = write("audit.jsonl", signer, 3);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.remove(lines.size() - 1); // as if the process had stopped before close
    Files.write(file, lines, StandardCharsets.UTF_8);
    long restartSeq = lines.size() + 1;
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)).withCheckpoints(signer, 5, Duration.ZERO))) {
      p.record(decision("t", 9));
    }
    VerificationReport r = AuditLog.verify(signer.publicJwks(), file);
    assertTrue(r.ok() && r.endedCleanly(), r.toString());
    assertEquals(List.of(restartSeq), r.uncleanRestartSeqs());
  }

  @Test
  void aRunWithoutASignerEndsWithAnUnsignedCloseRecord() throws Exception {
    Path file = dir.resolve("unsigned.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      p.record(decision("t", 1));
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok() && r.endedCleanly(), r.toString());
    assertEquals(SignatureCheck.NONE, r.signatureCheck());
    assertNull(AuditLog.read(file).get(0).keyId());
    VerificationReport pinned = AuditLog.verify(signer.publicJwks(), file);
    assertTrue(pinned.ok());
    assertFalse(pinned.endedCleanly(), "with pinned keys an unsigned end is not clean");
  }

  @Test
  void aGuardsTrailVerifiesAgainstItsPublishedKeyAndEndsCleanly() throws Exception {
    Path file = dir.resolve("guard.jsonl");
    AuditGuardSupport.Notes impl = new AuditGuardSupport.Notes();
    String published;
    try (AgentGuard guard = AgentGuard.builder().policy(AuditGuardSupport.POLICY)
        .auditSink(AuditSinks.jsonLines(file)).build()) {
      published = guard.publicJwks();
      AuditGuardSupport.NoteTools tools = guard.protect(AuditGuardSupport.NoteTools.class, impl);
      try (AgentTask task = guard.startTask(AuditGuardSupport.spec())) {
        tools.append("hello");
      }
    }
    assertEquals(published, AuditLog.read(file).get(0).jwks());
    VerificationReport r = AuditLog.verify(published, file);
    assertTrue(r.ok() && r.endedCleanly(), r.toString());
    assertEquals(SignatureCheck.PINNED, r.signatureCheck());
  }
}
