package dev.agentguard.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ToolBinding validates like the core builders: names, paths, set-once settings. */
class ToolBindingTest {
  @Test
  void defaultsAreThoseOfAgentTool() {
    ToolBinding b = ToolBinding.builder("weather.get").build();
    assertEquals("invoke", b.action());
    assertEquals(Risk.MEDIUM, b.risk());
    assertEquals(Sensitivity.INTERNAL, b.sensitivity());
    assertEquals(Map.of(), b.attributes());
  }

  @Test
  void invalidToolNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ToolBinding.builder("bad name\u200b"));
  }

  @Test
  void attributeOutsideTheBindableRootsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ToolBinding.builder("weather.get").attribute("city", "task.id"));
    assertTrue(e.getMessage().contains("task.id"), e.getMessage());
  }

  @Test
  void fieldBoundTwiceIsRefused() {
    ToolBinding.Builder b = ToolBinding.builder("weather.get").attribute("city", "resource.city");
    assertThrows(IllegalArgumentException.class, () -> b.attribute("city", "resource.town"));
  }

  @Test
  void settingGivenTwiceIsRefused() {
    ToolBinding.Builder b = ToolBinding.builder("weather.get").risk(Risk.LOW);
    assertThrows(IllegalStateException.class, () -> b.risk(Risk.HIGH));
  }

  @Test
  void toStringNamesTheBoundFieldsOnly() {
    String s = ToolBinding.builder("weather.get").attribute("city", "resource.city").build().toString();
    assertTrue(s.contains("weather.get") && s.contains("city"), s);
  }
}
