package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.AuditLineParser;
import dev.agentguard.core.internal.audit.ByteBuf;
import dev.agentguard.core.internal.audit.ChainHead;
import dev.agentguard.core.internal.audit.ChainSealer;
import dev.agentguard.core.internal.audit.ImpliedMembers;
import dev.agentguard.core.internal.audit.RecordBounds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * docs/security-cases.md #108 and #109: the writer copies the encodings of members that repeat
 * (agent, task, tool, policy id, timestamp, one string attribute ...) instead of escaping them per
 * record. Whatever sequence of values a model makes the records carry, every sealed line is
 * byte-identical to what the plain encoder (no cache) writes for the sealed event, hashes as
 * written, and parses back to that event: a cached encoding is never reused for a different value
 * (one differing only in an invisible character, case, a trailing control character, an unpaired
 * surrogate, a value over the cache's or the record's bound, a value that changes between records
 * of the same task), no text member skips its bound because an earlier record's fitted, and no
 * record is dropped.
 */
class CachedEncodingPropertiesTest {
  private static final String TS = "2026-12-02T04:00:00.000Z";

  /** Values that look alike: equal copies, near-duplicates, hostile characters, bounds. */
  @Provide
  Arbitrary<String> lookalikes() {
    return Arbitraries.oneOf(
        Arbitraries.of("agent-1", "agent\u200b-1", "agent-1\u0000", "Agent-1", "agent-1 ", "agent-\ud83d\ude00",
            "agent-\ud800", "agent-\"1\"", "agent-1\u2028", "\u00e4gent-1", "sha256:redacted", "s3cr3t",
            "x".repeat(256), "x".repeat(257), "x".repeat(4097), "x".repeat(4096) + "\u200b"),
        // an equal value in a new String: the cache is hit by equality, not only identity
        Arbitraries.of("agent-1", "x".repeat(256), "s3cr3t").map(String::new),
        Arbitraries.strings().all().ofMaxLength(12));
  }

  @Provide
  Arbitrary<AuditEvent.Builder> records() {
    Arbitrary<String> v = lookalikes();
    Arbitrary<String> maybe = Arbitraries.oneOf(v, Arbitraries.just(null));
    Arbitrary<Map<String, Object>> attrs = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of("ticket", "token", "ticket\u200b"), v).as((k, x) -> Map.of(k, (Object) x)),
        v.map(x -> Map.of("ticket", (Object) x, "n", 1L)),
        Arbitraries.just(Map.of("ticket", (Object) 7L)),
        Arbitraries.just(Map.of()));
    Arbitrary<List<String>> lists = Arbitraries.oneOf(v.list().ofMaxSize(3),
        v.map(x -> List.of("permitted by " + x)));
    Arbitrary<String> types = Arbitraries.of(AuditEvent.TOOL_DECISION, AuditEvent.TOOL_DECISION,
        AuditEvent.TOOL_COMPLETED, AuditEvent.TASK_STARTED, AuditEvent.TASK_COMPLETED, AuditEvent.POLICY_LOADED);
    Arbitrary<AuditEvent.Builder> who = Combinators.combine(types, v, v, maybe, v, v)
        .as((type, agent, task, onBehalfOf, credential, tool) -> AuditEvent.builder(type).agent(agent).task(task)
            .onBehalfOf(onBehalfOf).credential(credential).tool(tool));
    return Combinators.combine(who, maybe, maybe, attrs, Arbitraries.of("ALLOW", "DENY"), lists, lists, maybe)
        .as((b, action, risk, a, decision, reasons, policies, version) -> b.action(action).risk(risk)
            .attributes(a).decision(decision).reasons(reasons).policies(policies).policyVersion(version))
        .flatMap(b -> Combinators.combine(maybe, maybe, Arbitraries.longs().between(0, 10_000).injectNull(0.3))
            .as((outcome, error, micros) -> b.outcome(outcome).error(error).durationMicros(micros)));
  }

  /** Record times as the writer makes them (the writer's own, never a model's): repeating or not. */
  @Provide
  Arbitrary<String> times() {
    return Arbitraries.of(TS, "2026-12-02T04:00:00.001Z", "2026-12-02T04:00:01.000Z").map(String::new);
  }

  @Provide
  Arbitrary<List<AuditEvent.Builder>> trails() {
    return records().list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 300)
  void everyLineIsWhatThePlainEncoderWritesForItsEvent(@ForAll("trails") List<AuditEvent.Builder> trail,
      @ForAll("times") String ts2) {
    ChainSealer sealer = new ChainSealer(ChainHead.GENESIS, "p-");
    ByteBuf plain = new ByteBuf(1024);
    ImpliedMembers reader = new ImpliedMembers();
    long seq = 0;
    for (int i = 0; i < trail.size(); i++) {
      String ts = i % 3 == 0 ? TS : i % 3 == 1 ? new String(TS) : ts2;
      AuditEvent sealed = sealer.seal(trail.get(i), ts);
      assertEquals(++seq, sealed.seq(), "a record was dropped or reordered");
      byte[] line = Arrays.copyOf(sealer.lineBytes(), sealer.lineLength());
      plain.reset();
      AuditJson.writeCanonical(sealed, plain);
      AuditJson.appendHash(plain, sealed.hash());
      assertEquals(new String(Arrays.copyOf(plain.array(), plain.length()), StandardCharsets.UTF_8),
          new String(line, StandardCharsets.UTF_8));
      assertEquals(sealed.hash(), ChainSealer.hashOf(sealed));
      AuditEvent parsed = AuditLineParser.parse(line, 0, line.length - 1);
      assertArrayEquals(AuditJson.canonicalBytes(sealed), AuditJson.canonicalBytes(parsed));
      assertEquals(sealed.hash(), ChainSealer.hashOf(parsed));
      // read back as a reader does (implied members restored from the chain), the line is the sealed
      // event: unpaired surrogates were replaced before sealing, and nothing left out restores wrongly
      assertEquals(sealed, reader.restore(parsed));
      for (String text : Arrays.asList(sealed.agent(), sealed.onBehalfOf(), sealed.task(), sealed.credential(),
          sealed.tool(), sealed.action(), sealed.risk(), sealed.decision(), sealed.policyVersion(),
          sealed.outcome(), sealed.error())) {
        assertTrue(text == null || text.length() <= RecordBounds.MAX_TEXT_CHARS || text.contains("...[truncated "),
            "a text member over the bound was kept whole");
      }
    }
  }

  /**
   * #110: a value that is redacted in a later record never appears in that record through a cached
   * encoding of the earlier one (the same task, tool and attribute key).
   */
  @Test
  void aRedactedValueNeverComesBackFromTheCache() {
    ChainSealer sealer = new ChainSealer(ChainHead.GENESIS, "p-");
    String secret = "s3cr3t-" + "a".repeat(20);
    sealer.seal(call().attributes(Map.of("token", secret)).error(secret), TS);
    assertTrue(line(sealer).contains(secret));
    String redacted = "sha256:" + "0".repeat(64);
    for (int i = 0; i < 3; i++) {
      sealer.seal(call().attributes(Map.of("token", redacted)).error(redacted), TS);
      String l = line(sealer);
      assertFalse(l.contains("s3cr3t"), l);
      assertTrue(l.contains("\"attributes\":{\"token\":\"" + redacted + "\"}"), l);
      assertTrue(l.contains("\"error\":\"" + redacted + "\""), l);
    }
  }

  /** #109: an agent id that differs from the cached one only by an invisible character is written as it is. */
  @Test
  void anInvisibleCharacterIsNeverHiddenByTheCache() {
    ChainSealer sealer = new ChainSealer(ChainHead.GENESIS, "p-");
    sealer.seal(call(), TS);
    sealer.seal(call().agent("agent\u200b-1"), TS);
    assertTrue(line(sealer).contains("\"agent\":\"agent\u200b-1\""), line(sealer));
    sealer.seal(call().agent("agent-1\u0000"), TS);
    assertTrue(line(sealer).contains("\"agent\":\"agent-1\\u0000\""), line(sealer));
    sealer.seal(call(), TS);
    assertTrue(line(sealer).contains("\"agent\":\"agent-1\","), line(sealer));
  }

  private static AuditEvent.Builder call() {
    return AuditEvent.builder(AuditEvent.TOOL_DECISION).agent("agent-1").task("task-1").credential("c-1")
        .tool("tickets.read").action("read").risk("low").decision("ALLOW")
        .reasons(List.of("permitted by p-read")).policies(List.of("p-read")).outcome("success")
        .durationMicros(1L);
  }

  private static String line(ChainSealer sealer) {
    return new String(sealer.lineBytes(), 0, sealer.lineLength(), StandardCharsets.UTF_8);
  }
}
