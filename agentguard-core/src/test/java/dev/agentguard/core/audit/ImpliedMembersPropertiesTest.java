package dev.agentguard.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.AuditLineParser;
import dev.agentguard.core.internal.audit.ChainHead;
import dev.agentguard.core.internal.audit.ChainSealer;
import dev.agentguard.core.internal.audit.ImpliedMembers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The compact writer against a naive one that writes every member: sealing a record (which may
 * leave out {@code reasons} and {@code policyVersion}), parsing its line and restoring the implied
 * members in chain order gives back exactly the content the naive writer would have written, for
 * any mix of reasons (the plain allow's, near misses, none, several), policies and versions,
 * policy reloads and checkpoints; and the restored event still hashes to the line's hash.
 */
class ImpliedMembersPropertiesTest {
  private static final List<String> IDS = List.of("all", "r1", "permitted by", "r1 ", "");
  private static final List<String> VERSIONS = Arrays.asList("sha256:aa", "sha256:bb", null);

  @Property(tries = 300)
  void restoringTheCompactRecordGivesTheNaiveRecord(@ForAll("chains") List<AuditEvent.Builder> chain) {
    ChainSealer sealer = new ChainSealer(ChainHead.GENESIS, "p-");
    ImpliedMembers reader = new ImpliedMembers();
    for (AuditEvent.Builder content : chain) {
      AuditEvent naive = content.build(); // every member as the caller gave it
      AuditEvent sealed = sealer.seal(content, "2026-12-02T00:00:00.000Z");
      byte[] line = Arrays.copyOf(sealer.lineBytes(), sealer.lineLength() - 1);
      AuditEvent parsed = AuditLineParser.parse(line, 0, line.length);
      AuditEvent restored = reader.restore(parsed);
      assertEquals(naive, restored.toBuilder().build(), new String(line, StandardCharsets.UTF_8));
      assertEquals(sealed.hash(), ChainSealer.hashOf(restored), "a restored record hashes as written");
      assertEquals(sealed.impliedMembers(), restored.impliedMembers());
    }
  }

  @Provide
  Arbitrary<List<AuditEvent.Builder>> chains() {
    Arbitrary<String> version = Arbitraries.of(VERSIONS);
    Arbitrary<List<String>> policies = Arbitraries.of(IDS).list().ofMaxSize(2);
    Arbitrary<AuditEvent.Builder> loaded = version.filter(v -> v != null)
        .map(v -> AuditEvent.builder(AuditEvent.POLICY_LOADED).policyVersion(v).reasons(List.of("loaded")));
    Arbitrary<AuditEvent.Builder> checkpoint = Arbitraries.just(0).map(x -> AuditEvent.builder(AuditEvent.AUDIT_CHECKPOINT)
        .signature("sig").keyId("k"));
    Arbitrary<AuditEvent.Builder> decision = Combinators.combine(Arbitraries.of("ALLOW", "DENY"), policies,
        Arbitraries.integers().between(0, 5), version, Arbitraries.of("success", "failure", "none"))
        .as((d, pols, reasonKind, v, outcome) -> {
          List<String> reasons = switch (reasonKind) {
            case 0 -> List.of();
            case 1 -> pols.isEmpty() ? List.of("permitted by") : List.of("permitted by " + pols.get(0)); // plain
            case 2 -> pols.isEmpty() ? List.of() : List.of("permitted by " + pols.get(0) + " "); // near miss
            case 3 -> pols.isEmpty() ? List.of("x") : List.of("permitted by " + pols.get(0), "and more");
            case 4 -> List.of("permitted by " + String.join(", ", pols));
            default -> List.of("forbidden by r1");
          };
          AuditEvent.Builder b = AuditEvent.builder(AuditEvent.TOOL_DECISION).task("t").tool("files.read")
              .decision(d).policies(pols).reasons(reasons).policyVersion(v);
          if (!"none".equals(outcome)) {
            b.outcome(outcome).durationMicros(3L);
          }
          return "DENY".equals(d) ? b.code("FORBIDDEN") : b;
        });
    Arbitrary<AuditEvent.Builder> opened = Arbitraries.just(0).map(x -> AuditEvent.builder(AuditEvent.AUDIT_OPENED));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, decision),
        net.jqwik.api.Tuple.of(2, loaded),
        net.jqwik.api.Tuple.of(1, checkpoint),
        net.jqwik.api.Tuple.of(1, opened)).list().ofMinSize(1).ofMaxSize(25).map(ArrayList::new);
  }
}
