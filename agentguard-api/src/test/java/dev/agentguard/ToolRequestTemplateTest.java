package dev.agentguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A request made from a {@link ToolRequest.Template} is the request the builder makes from the same
 * values: the builder (fixed attributes, then {@code attribute(path, value)} per path in order, then
 * {@code build()}) is the naive reference, including what it refuses.
 */
class ToolRequestTemplateTest {
  private static final List<String> PATHS = List.of("resource.id", "resource.sensitivity", "resource.tags",
      "destination.url", "destination.host", "destination.port", "context.environment", "context.count",
      "resource.a", "resource.b", "resource.c");

  /** One generated case: fixed attributes, the template's paths and one value per path. */
  record Case(Map<String, Object> fixed, List<String> paths, List<Object> values) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<List<String>> order = Arbitraries.of(PATHS).list().uniqueElements().ofMinSize(1).ofMaxSize(PATHS.size());
    Arbitrary<Integer> fixedCount = Arbitraries.integers().between(0, 3);
    Arbitrary<List<Object>> values = value().list().ofSize(PATHS.size());
    return Combinators.combine(order, fixedCount, values).as((paths, nFixed, vals) -> {
      int f = Math.min(nFixed, paths.size() - 1);
      Map<String, Object> fixed = new LinkedHashMap<>();
      for (int i = 0; i < f; i++) {
        if (vals.get(i) != null) {
          fixed.put(paths.get(i), vals.get(i));
        }
      }
      List<String> templated = new ArrayList<>(paths.subList(f, paths.size()));
      return new Case(fixed, templated, new ArrayList<>(vals.subList(f, f + templated.size())));
    });
  }

  /** Values a hostile model might send, and the odd types the builder freezes. */
  private static Arbitrary<Object> value() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.of("public", "internal", "confidential", "restricted", "https://Api.Example.com./v1",
            "http://10.0.0.1:8080/x", "not a url", "ticket\u200b-1", "x".repeat(5000)).map(s -> (Object) s),
        Arbitraries.just(null),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1.5).map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.integers().array(int[].class).ofMaxSize(4).map(a -> (Object) a),
        Arbitraries.strings().alpha().ofMaxLength(5).list().ofMaxSize(3).map(l -> (Object) l),
        Arbitraries.just(new Object()));
  }

  @Property(tries = 500)
  void aTemplateRequestEqualsTheBuilderRequestForTheSameValues(@ForAll("cases") Case c) {
    // docs/security-cases.md #96
    ToolRequest.Builder prototype = ToolRequest.builder("tickets.read").action("read").risk(Risk.LOW)
        .sensitivity(Sensitivity.CONFIDENTIAL);
    try {
      c.fixed().forEach(prototype::attribute);
    } catch (IllegalArgumentException e) {
      return; // a fixed value the builder refuses never makes a template
    }
    ToolRequest.Template template = prototype.template(c.paths().toArray(new String[0]));
    assertEquals(c.paths(), template.paths());

    ToolRequest expected;
    try {
      ToolRequest.Builder b = prototype.build().toBuilder();
      for (int i = 0; i < c.paths().size(); i++) {
        b.attribute(c.paths().get(i), c.values().get(i));
      }
      expected = b.build();
    } catch (IllegalArgumentException refused) {
      assertThrows(IllegalArgumentException.class, () -> template.withValues(c.values().toArray()));
      return;
    }
    assertSameRequest(expected, template.withValues(c.values().toArray()));
    if (c.paths().size() == 1) {
      assertSameRequest(expected, template.with(c.values().get(0)));
    } else if (c.paths().size() == 2) {
      assertSameRequest(expected, template.with(c.values().get(0), c.values().get(1)));
    }
  }

  private static void assertSameRequest(ToolRequest expected, ToolRequest actual) {
    assertEquals(expected, actual);
    assertEquals(actual, expected);
    assertEquals(expected.hashCode(), actual.hashCode());
    assertEquals(expected.attributes(), actual.attributes());
    assertEquals(expected.resourceSensitivity(), actual.resourceSensitivity());
    assertEquals(expected.derivedFrom("destination.url"), actual.derivedFrom("destination.url"));
    for (String path : PATHS) {
      assertEquals(expected.attribute(path), actual.attribute(path), path);
    }
  }

  @Test
  void valuesAreFrozenWhenTheRequestIsMadeAndTheCallersArrayIsNotKept() { // docs/security-cases.md #41
    ToolRequest.Template t = ToolRequest.builder("files.tag").template("resource.tags", "resource.id");
    int[] tags = {1, 2};
    Object[] values = {tags, "F-1"};
    ToolRequest r = t.withValues(values);
    tags[0] = 99;
    values[1] = "F-2";
    assertEquals(List.of(1L, 2L), r.attribute("resource.tags"));
    assertEquals("F-1", r.attribute("resource.id"));
  }

  @Test
  void requestsOfOneTemplateNeverShareValuesEvenMadeByManyThreadsAtOnce() throws Exception {
    ToolRequest.Template t = ToolRequest.builder("tickets.read").template("resource.id");
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int n = 0; n < threads; n++) {
        String mine = "T-" + n;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            ToolRequest r = t.with(mine);
            if (!mine.equals(r.attribute("resource.id"))) {
              throw new AssertionError("a request holds another call's value");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aUrlIsDerivedAndANullValueLeavesItsAttributeOut() {
    ToolRequest.Template t = ToolRequest.builder("http.post").template("destination.url", "resource.id");
    ToolRequest r = t.with("HTTPS://Api.Example.com./v1", null);
    assertEquals("api.example.com", r.attribute("destination.host"));
    assertEquals(443L, r.attribute("destination.port"));
    assertFalse(r.attributes().containsKey("resource.id"));
  }

  @Test
  void theTemplateChecksItsPathsOnceAndRefusesDuplicatesAndTheWrongNumberOfValues() {
    ToolRequest.Builder b = ToolRequest.builder("tickets.read").attribute("context.environment", "prod");
    assertThrows(IllegalArgumentException.class, () -> b.template("tool.name"));
    assertThrows(IllegalArgumentException.class, () -> b.template("resource.id", "resource.id"));
    IllegalArgumentException fixed = assertThrows(IllegalArgumentException.class,
        () -> b.template("context.environment"));
    assertTrue(fixed.getMessage().contains("already fixed"), fixed.getMessage());
    ToolRequest.Template t = b.template("resource.id", "resource.owner");
    assertThrows(IllegalArgumentException.class, () -> t.with("T-1"));
    assertThrows(IllegalArgumentException.class, () -> t.withValues("T-1", "me", "extra"));
    assertEquals("prod", t.with("T-1", "me").attribute("context.environment"));
  }

  @Test
  void aRefusedValueIsNamedByPathAndTypeNeverByValue() { // docs/security-cases.md #42
    ToolRequest.Template t = ToolRequest.builder("tickets.read").template("resource.sensitivity");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.with("sk-secret-123"));
    assertFalse(e.getMessage().contains("sk-secret-123"), e.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> ToolRequest.builder("tickets.read").template("resource.id").with(new Object()));
    assertTrue(type.getMessage().contains("resource.id"), type.getMessage());
  }

  @Test
  void manyTemplatedAttributesGoPastTheSmallLayoutLikeTheBuilder() {
    String[] paths = new String[12];
    Object[] values = new Object[12];
    ToolRequest.Builder reference = ToolRequest.builder("bulk.tool");
    for (int i = 0; i < paths.length; i++) {
      paths[i] = "resource.p" + i;
      values[i] = (long) i;
      reference.attribute(paths[i], values[i]);
    }
    ToolRequest r = ToolRequest.builder("bulk.tool").template(paths).withValues(values);
    assertEquals(reference.build(), r);
    assertEquals(12, r.attributes().size());
    assertNotSame(r, ToolRequest.builder("bulk.tool").template(paths).withValues(values));
  }
}
