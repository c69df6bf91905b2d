package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.AuditLineParser;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/security-cases.md #28 (log injection) and the exact round trip of every value type. */
class AuditLogInjectionTest {
  static final List<String> HOSTILE = List.of(
      "line\nbreak", "carriage\rreturn", "nul\u0000byte", "quote\"and\\backslash",
      "sep\u2028line", "para\u2029sep", "next\u0085line", "del\u007fchar", "tab\tand\u001besc",
      "\"}{\"decision\":\"ALLOW\"", "\"}\n{\"decision\":\"ALLOW\",\"seq\":1}", "lone\ud800surrogate",
      "low\udc00first", "emoji \ud83d\ude00 ok", "ümlaut and 漢字");

  @TempDir
  Path dir;

  @Test
  void hostileValuesGiveExactlyOneParseableLinePerEventWithTheValuePreserved() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(AuditSinks.jsonLines(file)))) {
      for (String v : HOSTILE) {
        assertTrue(p.record(AuditEvent.builder(AuditEvent.TOOL_DECISION).task(v).tool(v).error(v)
            .reasons(List.of(v)).attributes(Map.of("resource.id", v, v, List.of(v)))));
      }
    }
    byte[] raw = Files.readAllBytes(file);
    String text = new String(raw, StandardCharsets.UTF_8);
    assertFalse(text.contains("\u2028") || text.contains("\u2029") || text.contains("\u0085")
        || text.contains("\r") || text.contains("\u0000") || text.contains("\u007f"));
    int newlines = 0;
    for (byte b : raw) {
      if (b == '\n') {
        newlines++;
      }
    }
    assertEquals(HOSTILE.size() + 2, newlines, "one line per event, and the opening and close records");
    List<AuditEvent> events = AuditLog.read(file);
    assertEquals(HOSTILE.size() + 2, events.size());
    for (int i = 0; i < HOSTILE.size(); i++) {
      String v = HOSTILE.get(i).replace('\ud800', '\ufffd').replace('\udc00', '\ufffd');
      AuditEvent e = events.get(i + 1);
      assertEquals(v, e.task());
      assertEquals(v, e.tool());
      assertEquals(v, e.error());
      assertEquals(List.of(v), e.reasons());
      assertEquals(v, e.attributes().get("resource.id"));
      assertEquals(List.of(v), e.attributes().get(v));
      assertEquals(List.of(v), e.reasons());
      assertNull(e.decision(), "the injected decision must not become a field");
    }
    VerificationReport r = AuditLog.verify(file);
    assertTrue(r.ok(), r.toString());
    assertEquals(HOSTILE.size() + 2, r.eventsChecked());
  }

  @Test
  void everyValueTypeRoundTripsToTheSameCanonicalBytes() throws Exception {
    Path file = dir.resolve("types.jsonl");
    InMemoryAuditSink mem = AuditSinks.inMemory();
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("s", "text");
    attrs.put("t", true);
    attrs.put("f", false);
    attrs.put("l", Long.MIN_VALUE);
    attrs.put("i", 42);
    attrs.put("d", 0.1);
    attrs.put("neg0", -0.0);
    attrs.put("big", 1.0e300);
    attrs.put("tiny", Double.MIN_VALUE);
    attrs.put("nan", Double.NaN);
    attrs.put("inf", Double.NEGATIVE_INFINITY);
    attrs.put("risk", Risk.CRITICAL);
    attrs.put("sens", Sensitivity.CONFIDENTIAL);
    attrs.put("list", List.of("a", 1L, 2.5, List.of(true, "b")));
    attrs.put("empty", List.of());
    try (AuditPipeline p = AuditPipeline.start(AuditTestSupport.config(AuditSinks.jsonLines(file), mem))) {
      assertTrue(p.record(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).agent("a").onBehalfOf("u")
          .task("t1").credential("jti").tool("tool").action("act").risk("high").attributes(attrs)
          .decision("DENY").code("FORBIDDEN").reasons(List.of("r1", "r2")).policies(List.of("p1"))
          .policyVersion("sha256:" + "ab".repeat(32)).outcome("failure").error("boom")
          .durationMicros(-0L).count(7L)));
      assertTrue(p.record(AuditEvent.builder(AuditEvent.TASK_COMPLETED).task("t1")));
    }
    List<AuditEvent> parsed = AuditLog.read(file);
    List<AuditEvent> sealed = mem.events();
    assertEquals(sealed.size(), parsed.size());
    for (int i = 0; i < sealed.size(); i++) {
      assertArrayEquals(AuditJson.canonicalBytes(sealed.get(i)), AuditJson.canonicalBytes(parsed.get(i)));
      assertEquals(sealed.get(i).hash(), parsed.get(i).hash());
    }
    AuditEvent e = parsed.get(1);
    assertEquals(Long.MIN_VALUE, e.attributes().get("l"));
    assertEquals(42L, e.attributes().get("i"));
    assertEquals(-0.0, e.attributes().get("neg0"));
    assertEquals("critical", e.attributes().get("risk"));
    assertEquals("confidential", e.attributes().get("sens"));
    assertEquals("NaN", e.attributes().get("nan"));
    assertEquals(List.of("a", 1L, 2.5, List.of(true, "b")), e.attributes().get("list"));
    assertEquals(attrs.keySet(), e.attributes().keySet());
    // canonical form: attributes sorted by key, whatever order the map iterates in
    String line = java.nio.file.Files.readAllLines(file).get(1);
    int at = line.indexOf("\"attributes\":{");
    java.util.List<Integer> positions = new java.util.ArrayList<>();
    for (String key : new java.util.TreeSet<>(attrs.keySet())) {
      positions.add(line.indexOf("\"" + key + "\":", at));
    }
    assertEquals(positions.stream().sorted().toList(), positions, line);
    assertEquals(sealed.get(1).id(), parsed.get(2).parent());
    assertTrue(AuditLog.verify(file).ok());
  }

  @Test
  void strictParserRejectsDuplicateUnknownNullAndTrailingContent() {
    String base = "{\"v\":1,\"seq\":1,\"id\":\"x\",\"ts\":\"t\",\"type\":\"tool.decision\",\"prev\":\""
        + AuditJson.GENESIS + "\",\"hash\":\"h\"";
    for (String bad : List.of(
        base + ",\"decision\":\"DENY\",\"decision\":\"ALLOW\"}",
        base + ",\"sneaky\":\"x\"}",
        base + ",\"agent\":null}",
        base + "}{}",
        base + ",\"attributes\":{\"a\":{\"nested\":1}}}",
        base + ",\"seq\":2}",
        base + ",\"count\":1.5}",
        base + ",\"attributes\":{\"a\":1e999}}",
        "{\"v\":4294967297,\"seq\":1,\"id\":\"x\",\"ts\":\"t\",\"type\":\"t\",\"prev\":\"p\",\"hash\":\"h\"}",
        "[1]", "", "{")) {
      byte[] b = bad.getBytes(StandardCharsets.UTF_8);
      assertThrows(IllegalArgumentException.class, () -> AuditLineParser.parse(b, 0, b.length), bad);
    }
    byte[] ok = (base + "}").getBytes(StandardCharsets.UTF_8);
    assertEquals(1, AuditLineParser.parse(ok, 0, ok.length).seq());
  }
}
