package dev.agentguard.core.audit;

import static dev.agentguard.core.audit.AuditTestSupport.config;
import static dev.agentguard.core.audit.AuditTestSupport.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.UnreadableLine;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.internal.audit.AuditPipeline;
import dev.agentguard.core.internal.audit.RecordBounds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AuditLog#read(java.util.function.Consumer, Path...)} reads past damaged lines and reports
 * each (file, line, why, never its content); the strict {@code read} and {@code verify} still fail.
 */
class AuditLogLenientReadTest {
  /** Text a damaged line carries that must never appear in a report. */
  private static final String SECRET = "sk-live-4f9a7c";

  @TempDir
  Path dir;
  private List<byte[]> lines;
  private List<Long> seqs;

  @BeforeEach
  void writeTrail() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(config(AuditSinks.jsonLines(file)))) {
      for (int i = 0; i < 6; i++) {
        p.record(decision("task-1", i));
      }
    }
    lines = new ArrayList<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lines.add(l.getBytes(StandardCharsets.UTF_8));
    }
    seqs = AuditLog.read(file).stream().map(AuditEvent::seq).collect(Collectors.toList());
    assertEquals(lines.size(), seqs.size());
    assertTrue(lines.size() >= 8, "opening record, six decisions, close record");
  }

  /** The trail with line {@code index} (0-based) replaced by {@code damaged}, every line ending in a newline. */
  private Path withLine(int index, byte[] damaged) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < lines.size(); i++) {
      out.write(i == index ? damaged : lines.get(i));
      out.write('\n');
    }
    Path f = dir.resolve("damaged-" + index + ".jsonl");
    Files.write(f, out.toByteArray());
    return f;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads {@code f} leniently and checks that every line but {@code index} came back, in order. */
  private UnreadableLine readsAllButOne(Path f, int index) {
    List<UnreadableLine> unreadable = new ArrayList<>();
    List<AuditEvent> events = AuditLog.read(unreadable::add, f);
    List<Long> expected = new ArrayList<>(seqs);
    expected.remove(index);
    assertEquals(expected, events.stream().map(AuditEvent::seq).collect(Collectors.toList()));
    assertEquals(1, unreadable.size(), unreadable.toString());
    UnreadableLine u = unreadable.get(0);
    assertEquals(f, u.file().orElseThrow());
    assertEquals(index + 1, u.line());
    assertFalse(u.toString().contains(SECRET), "the report quotes the damaged line: " + u);
    assertTrue(u.toString().startsWith(f + " line " + (index + 1) + ": "), u.toString());
    return u;
  }

  @Test
  void aMalformedFirstMiddleOrLastLineIsReportedAndEveryOtherRecordIsRead() throws Exception {
    // docs/security-cases.md #95
    byte[] torn = Arrays.copyOf(lines.get(3), lines.get(3).length / 2);
    byte[] edited = utf8("{\"v\":1,\"seq\":" + SECRET);
    for (int index : new int[] {0, 3, lines.size() - 1}) {
      UnreadableLine u = readsAllButOne(withLine(index, index == 3 ? torn : edited), index);
      assertTrue(u.reason().startsWith("not valid JSON"), u.reason());
    }
  }

  @Test
  void aLineOverTheBoundIsReportedAndTheNextLineIsRead() throws Exception {
    byte[] huge = new byte[RecordBounds.MAX_LINE_BYTES + 10];
    Arrays.fill(huge, (byte) 'a');
    System.arraycopy(utf8(SECRET), 0, huge, 0, SECRET.length());
    UnreadableLine u = readsAllButOne(withLine(2, huge), 2);
    assertEquals("longer than " + RecordBounds.MAX_LINE_BYTES + " bytes", u.reason());
  }

  @Test
  void invalidUtf8IsReportedNotDecodedIntoARecord() throws Exception {
    String good = new String(lines.get(4), StandardCharsets.UTF_8);
    int at = good.indexOf("\"tool.decision\"") + 2;
    assertTrue(at > 1, "line 5 is a decision record");
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.write(lines.get(4), 0, at);
    bad.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
    bad.write(lines.get(4), at, lines.get(4).length - at);
    UnreadableLine u = readsAllButOne(withLine(4, bad.toByteArray()), 4);
    assertTrue(u.reason().startsWith("not valid JSON"), u.reason());
  }

  @Test
  void validJsonThatIsNoRecordIsReportedWithWhatIsWrongButNoValue() throws Exception {
    assertEquals("unknown member 'note'",
        readsAllButOne(withLine(2, utf8("{\"note\":\"" + SECRET + "\"}")), 2).reason());
    assertEquals("not a JSON object", readsAllButOne(withLine(2, utf8("[\"" + SECRET + "\"]")), 2).reason());
    assertTrue(readsAllButOne(withLine(2, utf8("{}")), 2).reason().startsWith("missing one of the required members"));
    readsAllButOne(withLine(2, new byte[0]), 2); // an empty line
  }

  @Test
  void strictReadAndVerifyStillFailOnTheDamagedLine() throws Exception {
    // docs/security-cases.md #95
    Path f = withLine(3, utf8("{\"note\":\"" + SECRET + "\"}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditLog.read(f));
    assertEquals(f + " line 4: unknown member 'note'", e.getMessage());
    VerificationReport report = AuditLog.verify(f);
    assertFalse(report.ok(), "a damaged line is a verification failure, however it is read");
    assertEquals(VerificationReport.Kind.MALFORMED_LINE, report.kind());
  }

  @Test
  void anIncompleteFinalLineIsSkippedAsByTheStrictRead() throws Exception {
    Path f = dir.resolve("torn-tail.jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      out.write(l);
      out.write('\n');
    }
    out.write(lines.get(1), 0, 20); // a crash mid-write: no newline
    Files.write(f, out.toByteArray());
    List<UnreadableLine> unreadable = new ArrayList<>();
    assertEquals(seqs, AuditLog.read(unreadable::add, f).stream().map(AuditEvent::seq).collect(Collectors.toList()));
    assertEquals(List.of(), unreadable);
  }

  @Test
  void aHandlerThatThrowsEndsTheRead() throws Exception {
    Path f = withLine(2, utf8("{}"));
    IllegalStateException stop = new IllegalStateException("stop");
    assertSame(stop, assertThrows(IllegalStateException.class, () -> AuditLog.read(u -> {
      throw stop;
    }, f)));
  }

  @Test
  void linesFromAnywhereAreReadPastADamagedElementTooNumberedAsRecords() {
    List<String> records = new ArrayList<>();
    for (byte[] l : lines) {
      records.add(new String(l, StandardCharsets.UTF_8));
    }
    records.set(1, "{\"note\":\"" + SECRET + "\"}");
    List<UnreadableLine> unreadable = new ArrayList<>();
    List<AuditEvent> events = AuditLog.read(records, unreadable::add);
    assertEquals(lines.size() - 1, events.size());
    assertEquals(1, unreadable.size());
    assertEquals("record 2: unknown member 'note'", unreadable.get(0).toString());
    assertTrue(unreadable.get(0).file().isEmpty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditLog.read(records));
    assertEquals("record 2: unknown member 'note'", e.getMessage());
  }
}
