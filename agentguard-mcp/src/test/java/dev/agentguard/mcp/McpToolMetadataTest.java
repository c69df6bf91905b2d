package dev.agentguard.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpToolMetadataTest {

  private static McpToolMetadata derived(Boolean readOnly, Boolean destructive, Boolean openWorld) {
    McpSchema.ToolAnnotations a = new McpSchema.ToolAnnotations(null, readOnly, destructive, null, openWorld, null);
    return McpToolMetadata.fromAnnotations(McpSchema.Tool.builder().name("t.x").annotations(a)
        .inputSchema(Map.of("type", "object")).build());
  }

  @Test
  void toolWithoutAnnotationsIsTakenAsDestructiveOpenWorldAndConfidential() {
    McpToolMetadata m = McpToolMetadata.fromAnnotations(McpSchema.Tool.builder().name("t.x")
        .inputSchema(Map.of("type", "object")).build());
    assertEquals(Risk.CRITICAL, m.risk());
    assertEquals("write", m.action());
    assertEquals(Sensitivity.CONFIDENTIAL, m.sensitivity());
    assertEquals("t.x", m.tool());
  }

  @Test
  void missingHintsTakeTheHigherRisk() {
    assertEquals(Risk.CRITICAL, derived(null, null, null).risk());
    assertEquals(Risk.CRITICAL, derived(false, null, null).risk());
    assertEquals(Risk.HIGH, derived(false, null, false).risk());
    assertEquals(Risk.HIGH, derived(false, false, null).risk());
    assertEquals(Risk.MEDIUM, derived(false, false, false).risk());
    assertEquals(Risk.MEDIUM, derived(true, null, null).risk());
    assertEquals(Risk.LOW, derived(true, null, false).risk());
    assertEquals("read", derived(true, true, false).action()); // destructiveHint means nothing when read-only
    assertEquals(Risk.LOW, derived(true, true, false).risk());
  }

  @Test
  void mcpToolNameThatIsNoAgentGuardNameNeedsDeclaredMetadata() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> McpToolMetadata
        .fromAnnotations(McpSchema.Tool.builder().name("tickets/read").inputSchema(Map.of()).build()));
    assertTrue(e.getMessage().contains("tickets/read"), e.getMessage());
  }

  @Test
  void bindingsAreCheckedAndSetOnce() {
    assertThrows(IllegalArgumentException.class, () -> McpToolMetadata.builder("t.x").bind("a", "tool.name"));
    assertThrows(IllegalStateException.class, () -> McpToolMetadata.builder("t.x")
        .bind("a", "resource.id").bind("a", "resource.other"));
    assertThrows(IllegalStateException.class, () -> McpToolMetadata.builder("t.x").risk(Risk.LOW).risk(Risk.HIGH));
    McpToolMetadata m = McpToolMetadata.builder("t.x").bind("url", "destination.url").bind("ticket", "resource.id")
        .build();
    assertEquals(List.of("url", "ticket"), List.copyOf(m.bindings().keySet()));
    assertEquals(Risk.MEDIUM, m.risk());
    assertEquals("invoke", m.action());
  }

  @Test
  void nonFiniteValuesAreFoundAnywhereInABoundValue() {
    assertFalse(ToolGate.finite(Double.NaN));
    assertFalse(ToolGate.finite(Double.NEGATIVE_INFINITY));
    assertFalse(ToolGate.finite(Float.POSITIVE_INFINITY));
    assertFalse(ToolGate.finite("-Infinity"));
    assertFalse(ToolGate.finite(" NaN"));
    assertFalse(ToolGate.finite(List.of("a", List.of(1.0, Double.NaN))));
    assertTrue(ToolGate.finite(1.5));
    assertTrue(ToolGate.finite("Nancy"));
    assertTrue(ToolGate.finite(List.of("T-1", 3L)));
  }
}
