package dev.agentguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compact attribute storage of {@link ToolRequest} (the builder's field slots, exact-size arrays
 * of keys and values up to {@link ToolRequest#SMALL} attributes, a hash map beyond) behaves exactly like the plain
 * hash map it replaced, and the memo of validated paths and tool names never admits a bad one.
 */
class ToolRequestStorageTest {
  private static final List<String> PATHS = List.of("resource.id", "resource.a", "resource.b", "resource.c",
      "destination.host", "destination.port", "context.environment", "context.x1", "context.x2", "context.x3",
      "context.x4", "resource.sensitivity");

  /** A seeded random sequence of sets, replacements and removals against a HashMap reference. */
  @Test
  void attributesMatchAHashMapReferenceUnderRandomSetsAndRemovals() {
    Random random = new Random(19);
    for (int round = 0; round < 2_000; round++) {
      ToolRequest.Builder b = ToolRequest.builder("tickets.read");
      Map<String, Object> reference = new HashMap<>();
      ToolRequest previous = null;
      Map<String, Object> previousReference = null;
      int ops = random.nextInt(30);
      for (int op = 0; op < ops; op++) {
        String path = PATHS.get(random.nextInt(PATHS.size() - 1)); // resource.sensitivity has its own test
        if (random.nextBoolean()) {
          path = new String(path); // an equal key of another instance (a path read from a model's argument names)
        }
        if (random.nextInt(4) == 0) {
          b.attribute(path, null);
          reference.remove(path);
        } else {
          long v = random.nextInt(5);
          b.attribute(path, v);
          reference.put(path, v);
        }
        if (random.nextInt(6) == 0) { // build midway: the built request must not see later changes
          previous = b.build();
          previousReference = Map.copyOf(reference);
        }
      }
      ToolRequest r = b.build();
      assertSameAttributes(reference, r);
      if (previous != null) {
        assertSameAttributes(previousReference, previous);
      }
      ToolRequest copy = r.toBuilder().attribute("resource.id", "changed").build();
      assertSameAttributes(reference, r);
      assertEquals("changed", copy.attribute("resource.id"));
    }
  }

  @Test
  void aUrlUnderAPathOfAnotherInstanceIsStillDerived() {
    // docs/security-cases.md #97
    String url = new String("destination.url");
    ToolRequest r = ToolRequest.builder("http.post").attribute(url, "https://Evil.example/x")
        .attribute("destination.host", "allowed.example").build();
    assertEquals("evil.example", r.attribute("destination.host"), "derived from the URL, never the given host");
    ToolRequest twice = ToolRequest.builder("http.post").attribute("destination.url", "https://a.example/")
        .attribute(url, "https://b.example/").build();
    assertEquals("b.example", twice.attribute("destination.host"));
    assertEquals(1, twice.attributes().keySet().stream().filter("destination.url"::equals).count());
  }

  private static void assertSameAttributes(Map<String, Object> expected, ToolRequest r) {
    assertEquals(expected, r.attributes());
    assertEquals(r.attributes(), expected);
    assertEquals(expected.hashCode(), r.attributes().hashCode());
    assertEquals(expected.size(), r.attributes().size());
    for (String p : PATHS) {
      assertEquals(expected.get(p), r.attribute(p), p);
      assertEquals(expected.containsKey(p), r.attributes().containsKey(p), p);
    }
  }

  @Test
  void manyAttributesAreKeptAndFoundPastTheSmallLimit() {
    ToolRequest.Builder b = ToolRequest.builder("tickets.read");
    for (int i = 0; i < 500; i++) {
      b.attribute("context.k" + i, (long) i);
    }
    ToolRequest r = b.attribute("context.k7", null).build();
    assertEquals(499, r.attributes().size());
    assertEquals(42L, r.attribute("context.k42"));
    assertNull(r.attribute("context.k7"));
    assertThrows(UnsupportedOperationException.class, () -> r.attributes().put("context.k1", 1L));
  }

  @Test
  void theAttributesViewIsUnmodifiableEveryWay() {
    ToolRequest r = ToolRequest.builder("tickets.read").attribute("resource.id", "T-1")
        .attribute("context.environment", "prod").build();
    Map<String, Object> a = r.attributes();
    assertThrows(UnsupportedOperationException.class, () -> a.put("resource.id", "T-2"));
    assertThrows(UnsupportedOperationException.class, () -> a.remove("resource.id"));
    assertThrows(UnsupportedOperationException.class, a::clear);
    assertThrows(UnsupportedOperationException.class, () -> a.keySet().remove("resource.id"));
    assertThrows(UnsupportedOperationException.class, () -> a.entrySet().iterator().next().setValue("x"));
    assertThrows(UnsupportedOperationException.class, () -> a.replaceAll((k, v) -> "x"));
    assertEquals("T-1", r.attribute("resource.id"));
    assertThrows(NullPointerException.class, () -> r.attribute(null));
    assertThrows(NullPointerException.class, () -> a.get(null));
  }

  @Test
  void anInvalidPathIsRejectedEveryTimeEvenRightAfterAValidOne() {
    for (int i = 0; i < 3; i++) {
      ToolRequest.checkAttributePath("resource.id");
      assertThrows(IllegalArgumentException.class, () -> ToolRequest.checkAttributePath("resource.i d"));
      assertThrows(IllegalArgumentException.class, () -> ToolRequest.checkAttributePath("resource..id"));
      assertThrows(IllegalArgumentException.class, () -> ToolRequest.checkAttributePath("secrets.id"));
      assertThrows(IllegalArgumentException.class,
          () -> ToolRequest.builder("tickets.read").attribute("resource.id\u200b", "x"));
    }
  }

  /** docs/security-cases.md #47: the memo is keyed by equality, so a look-alike name is validated, not served. */
  @Test
  void anInvisibleCharacterInAToolNameIsRejectedAfterTheVisibleNameWasMemoized() {
    ToolRequest.builder("support.reply");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ToolRequest.builder("support\u200b.reply"));
    assertTrue(e.getMessage().contains("U+200B"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("support.reply\u202e"));
  }

  @Test
  void aMemoSlotTakenByAnotherNameNeverServesThatNameForThisOne() {
    ValidNames memo = new ValidNames(2, 64);
    memo.remember("resource.a");
    memo.remember("resource.b");
    memo.remember("resource.c");
    int hits = 0;
    for (String s : List.of("resource.a", "resource.b", "resource.c")) {
      hits += memo.contains(s) ? 1 : 0;
    }
    assertTrue(hits >= 1 && hits <= 2, "two slots hold at most two names, got " + hits);
    assertTrue(!memo.contains("resource.d") && !memo.contains("resource.a "));
    memo.remember("x".repeat(65)); // longer than the memo keeps
    assertTrue(!memo.contains("x".repeat(65)));
  }

  @Test
  void unboundedDistinctPathsKeepTheMemoAtItsFixedSize() {
    // a model choosing argument keys: every new valid key replaces a slot, nothing grows
    for (int i = 0; i < 100_000; i++) {
      ToolRequest.checkAttributePath("context.k" + i);
    }
    ToolRequest r = ToolRequest.builder("tickets.read").attribute("context.k99999", "v").build();
    assertEquals("v", r.attribute("context.k99999"));
  }

  @Test
  void theSameIdGivesAnEqualIdentityAndABadIdIsStillRejected() {
    AgentIdentity a = AgentIdentity.of("agent-00001");
    AgentIdentity b = AgentIdentity.of(new String("agent-00001"));
    assertEquals(a, b);
    assertEquals("agent-00001", b.id());
    assertEquals(Boolean.FALSE, b.attributes().get(AgentIdentity.ATTR_VERIFIED));
    for (int i = 0; i < 3; i++) {
      assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of("agent-00001\u200b"));
      assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of("agent 00001"));
      assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of("spiffe://Acme/agent"));
    }
    AgentIdentity s = AgentIdentity.of("spiffe://acme.example/agent/bot");
    assertEquals("acme.example", AgentIdentity.of("spiffe://acme.example/agent/bot").trustDomain().orElseThrow());
    assertEquals(s, AgentIdentity.of("spiffe://acme.example/agent/bot"));
  }

  @Test
  void identitiesOfManyDistinctIdsAreEachTheirOwn() {
    for (int i = 0; i < 5_000; i++) {
      String id = "agent-" + i;
      assertEquals(id, AgentIdentity.of(id).id());
      assertEquals(id, AgentIdentity.of(id).id()); // a memo hit, if the slot still holds it
    }
  }
}
