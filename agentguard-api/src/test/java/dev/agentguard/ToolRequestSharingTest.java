package dev.agentguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What requests built by the builder share ({@link KeySets}: one array of keys for the same paths in
 * the same order; {@link ValidNames#canonical}: one instance per tool name and path) is only ever
 * immutable, and never changes what a request holds: not across key orders, not for a key set with
 * {@code destination.url} or a key given twice, not under concurrent builders.
 */
class ToolRequestSharingTest {

  @Test
  void requestsWithTheSamePathsInTheSameOrderShareOneKeyArray() throws Exception {
    ToolRequest a = ToolRequest.builder("http.post").attribute("context.environment", "prod")
        .attribute("destination.host", "a.example").build();
    ToolRequest b = ToolRequest.builder("http.post").attribute("context.environment", "dev")
        .attribute("destination.host", "b.example").build();
    assertSame(keys(a), keys(b));
    assertEquals("prod", a.attribute("context.environment"));
    assertEquals("b.example", b.attribute("destination.host"));
    ToolRequest reversed = ToolRequest.builder("http.post").attribute("destination.host", "c.example")
        .attribute("context.environment", "test").build();
    assertNotSame(keys(a), keys(reversed));
    assertEquals("c.example", reversed.attribute("destination.host"));
    assertEquals("test", reversed.attribute("context.environment"));
  }

  @Test
  void aKeySetIsServedOnlyForTheSameKeysInTheSameOrderAndCount() {
    String[] ab = KeySets.remember(2, "resource.a", "resource.b", null, null);
    assertSame(ab, KeySets.known(2, "resource.a", "resource.b", null, null));
    assertNull(KeySets.known(2, "resource.b", "resource.a", null, null));
    assertNull(KeySets.known(1, "resource.a", null, null, null));
    assertNull(KeySets.known(3, "resource.a", "resource.b", "resource.c", null));
    // an equal key of another instance is a miss (a new array), never another set's keys
    assertNull(KeySets.known(2, new String("resource.a"), "resource.b", null, null));
    assertEquals(List.of("resource.a", "resource.b"), List.of(ab));
  }

  @Test
  void keysLongerThanTheMemoKeepsAreNotRemembered() {
    String longPath = "resource" + ".segment".repeat(KeySets.MAX_KEY_CHARS / 8 + 1);
    String[] made = KeySets.remember(1, longPath, null, null, null);
    assertNull(KeySets.known(1, longPath, null, null, null));
    ToolRequest r = ToolRequest.builder("tickets.read").attribute(longPath, "v").build();
    assertEquals("v", r.attribute(longPath));
    assertEquals(1, made.length);
  }

  @Test
  void aUrlIsDerivedEveryTimeAndAKeyGivenTwiceKeepsItsLaterValueEveryTime() {
    // docs/security-cases.md #102: a key set is remembered only once it was found plain, so a
    // second request with the same keys cannot skip the URL derivation or the duplicate handling
    for (int i = 0; i < 3; i++) {
      ToolRequest r = ToolRequest.builder("http.post").attribute("destination.host", "allowed.example")
          .attribute("destination.url", "https://evil.example/x").build();
      assertEquals("evil.example", r.attribute("destination.host"), "round " + i);
      ToolRequest twice = ToolRequest.builder("http.post").attribute("destination.host", "allowed.example")
          .attribute("destination.host", "evil.example").build();
      assertEquals("evil.example", twice.attribute("destination.host"), "round " + i);
      assertEquals(1, twice.attributes().size(), "round " + i);
    }
  }

  @Test
  void aToolNameIsKeptAsOneInstanceAndAnInvisibleVariantIsStillRejected() {
    // docs/security-cases.md #104
    String first = ToolRequest.builder(new String("tickets.read")).build().tool();
    String again = ToolRequest.builder(new String("tickets.read")).build().tool();
    assertSame(first, again);
    assertEquals("tickets.read", again);
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets.read\u200b"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets.read\u0000"));
    for (int i = 0; i < 10_000; i++) { // every memo slot taken: a bad name always meets another name's slot
      ToolRequest.builder("filler.t" + i);
    }
    for (String bad : List.of("tickets.read\u200b", "\u200btickets.read", "tickets read", "tickets..read", ".x")) {
      assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder(bad), bad);
    }
  }

  @Test
  void aPathOfAnotherInstanceIsKeptAsTheMemosOneAndABadVariantIsStillRejected() {
    // docs/security-cases.md #104
    String path = ToolRequest.checkAttributePath("resource.ticketNumber");
    assertSame(path, ToolRequest.checkAttributePath(new String("resource.ticketNumber")));
    ToolRequest r = ToolRequest.builder("tickets.read").attribute(new String("resource.ticketNumber"), "T-1")
        .build();
    assertEquals("T-1", r.attribute("resource.ticketNumber"));
    assertThrows(IllegalArgumentException.class,
        () -> ToolRequest.checkAttributePath("resource.ticketNumber\u200b"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets.read")
        .attribute("resource.ticket Number", "T-1"));
    for (int i = 0; i < 20_000; i++) { // every memo slot taken
      ToolRequest.checkAttributePath("context.filler" + i);
    }
    for (String bad : List.of("resource.ticketNumber\u200b", "resource.ticket Number", "other.ticketNumber",
        "resource.", "resource..a")) {
      assertThrows(IllegalArgumentException.class, () -> ToolRequest.checkAttributePath(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets.read").attribute(bad, "v"), bad);
    }
  }

  @Test
  void concurrentBuildersWithOverlappingKeySetsEachSeeTheirOwnAttributes() throws Exception {
    // docs/security-cases.md #102
    List<String> paths = List.of("resource.id", "resource.a", "destination.host", "context.environment",
        "context.x1", "resource.b");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int round = 0; round < 20_000; round++) {
            ToolRequest.Builder b = ToolRequest.builder("tickets.read");
            Map<String, Object> expected = new HashMap<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
              String p = paths.get(random.nextInt(paths.size()));
              String v = "v" + random.nextInt(1000);
              b.attribute(random.nextBoolean() ? p : new String(p), v);
              expected.put(p, v);
            }
            ToolRequest r = b.build();
            if (!expected.equals(r.attributes())) {
              return "round " + round + ": " + r.attributes() + " != " + expected;
            }
          }
          return "";
        }));
      }
      for (Future<String> f : results) {
        assertEquals("", f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSensitivityNameAtAPathOfAnotherInstanceIsStillConverted() {
    ToolRequest r = ToolRequest.builder("tickets.read")
        .attribute(new String("resource.sensitivity"), "restricted").build();
    assertEquals(Sensitivity.RESTRICTED, r.resourceSensitivity());
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets.read")
        .attribute(new String("resource.sensitivity"), "restricted\u200b"));
    ToolRequest s = ToolRequest.builder("tickets.read")
        .attribute("resource.sensitivity", new StringBuilder("public")).build();
    assertEquals(Sensitivity.PUBLIC, s.resourceSensitivity());
    ToolRequest other = ToolRequest.builder("tickets.read").attribute("resource.sensitivityX", "restricted")
        .build();
    assertEquals("restricted", other.attribute("resource.sensitivityX"));
    assertTrue(other.resourceSensitivity() == Sensitivity.INTERNAL);
  }

  private static Object keys(ToolRequest r) throws Exception {
    Field f = ToolRequest.class.getDeclaredField("keys");
    f.setAccessible(true);
    return f.get(r);
  }
}
