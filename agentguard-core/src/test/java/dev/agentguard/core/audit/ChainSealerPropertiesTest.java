package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.AuditLineParser;
import dev.agentguard.core.internal.audit.ChainHead;
import dev.agentguard.core.internal.audit.ChainSealer;
import dev.agentguard.core.internal.audit.RecordBounds;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * docs/security-cases.md #28 and #43, as properties of the pure sealer: whatever content a caller
 * hands in (sizes and characters a model could choose), the sealed line fits the shared line limit,
 * parses back to exactly what was hashed, and every string in it is within the bound or ends in the
 * truncation marker, compared with a deliberately naive reading of the documented rule.
 */
class ChainSealerPropertiesTest {
  private static final String TRUNCATED = "...[truncated ";

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(50),
        Arbitraries.strings().all().ofMinLength(4_000).ofMaxLength(9_000),
        Arbitraries.strings().withChars('\u0001', '"', '\u2028', 'x').ofMinLength(4_090).ofMaxLength(40_000));
  }

  @Provide
  Arbitrary<Map<String, Object>> attributes() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(texts().map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l), Arbitraries.doubles().map(d -> (Object) d));
    Arbitrary<Object> list = leaf.list().ofMaxSize(150).map(l -> (Object) l);
    Arbitrary<Object> value = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, leaf), net.jqwik.api.Tuple.of(1, list));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(300), value).ofMaxSize(200);
  }

  @Property(tries = 60)
  void everySealedLineFitsParsesBackExactlyAndKeepsTheBounds(
      @ForAll("attributes") Map<String, Object> attrs, @ForAll("texts") String error,
      @ForAll("texts") String reason) {
    ChainSealer sealer = new ChainSealer(ChainHead.GENESIS, "p-");
    AuditEvent sealed = sealer.seal(AuditEvent.builder(AuditEvent.TOOL_COMPLETED).task("t").tool("x")
        .attributes(attrs).error(error).reasons(List.of(reason, reason)), "2026-12-01T00:00:00.000Z");
    byte[] line = Arrays.copyOf(sealer.lineBytes(), sealer.lineLength());
    assertTrue(line.length <= RecordBounds.MAX_LINE_BYTES + 1, "line of " + line.length + " bytes");
    assertEquals('\n', line[line.length - 1]);
    AuditEvent parsed = AuditLineParser.parse(line, 0, line.length - 1);
    assertArrayEquals(AuditJson.canonicalBytes(sealed), AuditJson.canonicalBytes(parsed));
    assertEquals(sealed.hash(), ChainSealer.hashOf(parsed));
    assertEquals(parsed, sealed);

    assertEquals(expected(error), sealed.error());
    assertTrue(sealed.attributes().size() <= RecordBounds.MAX_ATTRIBUTES + 1);
    for (Map.Entry<String, Object> e : sealed.attributes().entrySet()) {
      assertWithin(e.getKey(), RecordBounds.MAX_KEY_CHARS);
      assertValueWithin(e.getValue());
    }
    if (attrs.size() <= RecordBounds.MAX_ATTRIBUTES && !sealed.attributes().containsKey(RecordBounds.TRUNCATED_KEY)) {
      for (Map.Entry<String, Object> e : attrs.entrySet()) {
        if (e.getValue() instanceof String && e.getKey().length() <= RecordBounds.MAX_KEY_CHARS) {
          assertEquals(expected((String) e.getValue()), sealed.attributes().get(e.getKey()));
        }
      }
    }
  }

  /**
   * The naive reading of the rule: short strings are kept, long ones cut with a marker; unpaired
   * surrogates (code points in the surrogate range) become U+FFFD.
   */
  private static String expected(String s) {
    if (s.length() <= RecordBounds.MAX_TEXT_CHARS) {
      return wellFormed(s);
    }
    String kept = s.substring(0, RecordBounds.MAX_TEXT_CHARS);
    if (Character.isHighSurrogate(kept.charAt(kept.length() - 1))) {
      kept = kept.substring(0, kept.length() - 1);
    }
    return wellFormed(kept) + TRUNCATED + s.length() + " chars, " + dev.agentguard.core.internal.Hashing.sha256Tagged(s) + "]";
  }

  private static String wellFormed(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().map(cp -> cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp).forEach(b::appendCodePoint);
    return b.toString();
  }

  private static void assertWithin(String s, int max) {
    int marker = s.indexOf(TRUNCATED);
    assertTrue(s.length() <= max || (marker >= 0 && marker <= max), "over-long text of " + s.length());
  }

  private static void assertValueWithin(Object v) {
    if (v instanceof String) {
      assertWithin((String) v, RecordBounds.MAX_TEXT_CHARS);
    } else if (v instanceof List<?>) {
      List<?> l = (List<?>) v;
      assertTrue(l.size() <= RecordBounds.MAX_LIST_ELEMENTS + 1, "list of " + l.size());
      l.forEach(ChainSealerPropertiesTest::assertValueWithin);
    } else {
      assertTrue(v instanceof Long || v instanceof Double || v instanceof Boolean, String.valueOf(v));
    }
  }
}
