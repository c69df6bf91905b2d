package dev.agentguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolRequestTest {
  /** Regression: a built request used to be a live view of its builder's map. */
  @Test
  void aBuilderReusedAfterBuildDoesNotChangeTheBuiltRequest() {
    ToolRequest.Builder b = ToolRequest.builder("tickets.read").attribute("resource.id", "T-1");
    ToolRequest first = b.build();
    b.attribute("resource.id", "T-2").attribute("resource.extra", "x");
    assertEquals("T-1", first.attribute("resource.id"));
    assertNull(first.attribute("resource.extra"));
    assertThrows(UnsupportedOperationException.class, () -> first.attributes().put("resource.id", "T-3"));
  }

  @Test
  void valuesAreFrozenWhenSet() {
    List<String> tags = new ArrayList<>(List.of("a"));
    ToolRequest r = ToolRequest.builder("tickets.tag").attribute("resource.tags", tags)
        .attribute("resource.count", 3).attribute("resource.sensitivity", "confidential").build();
    tags.add("secret");
    assertEquals(List.of("a"), r.attribute("resource.tags"));
    assertEquals(3L, r.attribute("resource.count"));
    assertEquals(Sensitivity.CONFIDENTIAL, r.resourceSensitivity());
  }

  @Test
  void destinationPartsAreDerivedFromTheUrlAndOverrideSuppliedOnes() {
    ToolRequest r = ToolRequest.builder("http.post")
        .attribute("destination.host", "internal.acme.example")
        .attribute("destination.url", URI.create("https://internal.acme.example@Evil.Example./x"))
        .build();
    assertEquals("evil.example", r.attribute("destination.host"));
    assertEquals("https", r.attribute("destination.scheme"));
    assertEquals(443L, r.attribute("destination.port"));
  }

  @Test
  void anUnparseableUrlLeavesNoDerivedHost() {
    ToolRequest r = ToolRequest.builder("http.post").attribute("destination.host", "internal.acme.example")
        .attribute("destination.url", "not a url").build();
    assertFalse(r.attributes().containsKey("destination.host"), "a host must not survive a URL that has none");
  }

  @Test
  void rejectsBadNamesPathsAndTypes() {
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets read"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("tickets..read"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("t").attribute("secret.x", "v"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("t").attribute("resource", "v"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("t").attribute("resource.a b", "v"));
    assertThrows(IllegalArgumentException.class, () -> ToolRequest.builder("t").attribute("resource.x", new Object()));
    assertThrows(IllegalArgumentException.class,
        () -> ToolRequest.builder("t").attribute("resource.sensitivity", "secret"));
    assertEquals(Map.of(), ToolRequest.builder("t").attribute("resource.x", null).build().attributes());
  }

  @Test
  void taskSpecSettingsMayBeGivenOnce() {
    TaskSpec.Builder b = TaskSpec.builder(AgentIdentity.of("agent-1")).scopes("tickets.*");
    assertThrows(IllegalStateException.class, () -> b.scopes("x"));
    b.context("environment", "prod");
    assertThrows(IllegalStateException.class, () -> b.context("environment", "dev"));
    assertThrows(IllegalStateException.class, () -> TaskSpec.builder(AgentIdentity.of("a")).build());
  }

  @Test
  void namesWhatIsDerivedFromAnAttribute() { // docs/security-cases.md #42
    ToolRequest r = ToolRequest.builder("http.post").attribute("destination.url", "https://api.acme.example/x")
        .attribute("destination.external", false).attribute("resource.id", "R-1").build();
    assertEquals(List.of("destination.scheme", "destination.host", "destination.port", "destination.external"),
        new ArrayList<>(r.derivedFrom("destination.url")));
    assertEquals(List.of("destination.external"), new ArrayList<>(r.derivedFrom("destination.host")));
    assertEquals(List.of(), new ArrayList<>(r.derivedFrom("resource.id")));
    ToolRequest unparseable = ToolRequest.builder("http.post").attribute("destination.url", "::nope").build();
    assertEquals(List.of(), new ArrayList<>(unparseable.derivedFrom("destination.url")), "only what is present");
  }

  @Test
  void primitiveArraysFreezeAsLists() { // docs/security-cases.md #41
    ToolRequest r = ToolRequest.builder("t").attribute("resource.ids", new long[] {1, 2})
        .attribute("resource.ratios", new float[] {0.5f}).attribute("resource.flags", new boolean[] {true})
        .attribute("resource.code", "ab".toCharArray()).build();
    assertEquals(List.of(1L, 2L), r.attribute("resource.ids"));
    assertEquals(List.of(0.5), r.attribute("resource.ratios"));
    assertEquals(List.of(true), r.attribute("resource.flags"));
    assertEquals("ab", r.attribute("resource.code"));
    assertThrows(IllegalArgumentException.class,
        () -> ToolRequest.builder("t").attribute("resource.ids", new int[AttributeValues.MAX_LIST_SIZE + 1]));
  }

  @Test
  void aBadSensitivityIsNotQuoted() { // docs/security-cases.md #42
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ToolRequest.builder("t").attribute("resource.sensitivity", "sk_live_9"));
    assertFalse(e.getMessage().contains("sk_live_9"), e.getMessage());
  }
}
