package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * What travels through Redis, against naive references: a channel line parses back to exactly what
 * was sent whatever the id holds, and two different (agent, limit, window) never share a counter.
 */
class FleetWirePropertiesTest {
  private final FleetKeys keys = new FleetKeys("prop");

  @Provide
  Arbitrary<String> ids() {
    // separators, digits and colons are what could make two different ids collide
    return Arbitraries.strings().withChars("a:|1\n\u2028 ä").ofMinLength(0).ofMaxLength(12);
  }

  @Property(tries = 2000)
  void aChannelLineParsesBackToWhatWasSent(@ForAll("ids") String id, @ForAll @LongRange(min = 0) long seq,
      @ForAll long keepUntil) {
    for (char kind : List.of('c', 't', 'a')) {
      String line = kind + "|" + seq + "|" + keepUntil + "|ag-origin|" + id;
      assertEquals(new RevocationMessage(kind, seq, keepUntil, "ag-origin", id), RevocationMessage.parse(line));
    }
  }

  @Property(tries = 2000)
  void differentRateWindowsNeverShareACounter(@ForAll("ids") String agentA, @ForAll("ids") String limitA,
      @ForAll @LongRange(min = 0, max = 50) long windowA, @ForAll("ids") String agentB,
      @ForAll("ids") String limitB, @ForAll @LongRange(min = 0, max = 50) long windowB) {
    boolean same = agentA.equals(agentB) && limitA.equals(limitB) && windowA == windowB;
    if (same) {
      assertEquals(keys.rate(agentA, limitA, windowA), keys.rate(agentB, limitB, windowB));
    } else {
      assertNotEquals(keys.rate(agentA, limitA, windowA), keys.rate(agentB, limitB, windowB));
    }
  }

  @Property(tries = 500)
  void malformedLinesAreRejectedNotApplied(@ForAll("ids") String junk) {
    RevocationMessage m = RevocationMessage.parse(junk);
    if (m != null) {
      // only a well-formed line parses: it must print back to the same line
      assertEquals(junk, m.kind() + "|" + m.seq() + "|" + m.keepUntilMillis() + "|" + m.origin() + "|" + m.id());
    }
  }
}
