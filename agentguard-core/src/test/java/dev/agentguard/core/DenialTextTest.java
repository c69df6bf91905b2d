package dev.agentguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.DenyCode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DenialTextTest {

  @Test
  void everyCodeHasItsOwnOneLineText() {
    Set<String> reasons = new HashSet<>();
    for (DenyCode code : DenyCode.values()) {
      String text = DenialText.of(code);
      assertTrue(text.startsWith("DENIED " + code.name() + ": "), text);
      assertFalse(text.contains("\n") || text.contains("\r"), text);
      reasons.add(text.substring(text.indexOf(": ") + 2));
    }
    // no code shares a generic fallback line with another (AGENT_UNVERIFIED once did)
    assertEquals(DenyCode.values().length, reasons.size());
  }

  @Test
  void agentUnverifiedSaysWhatIsMissing() {
    assertEquals("DENIED AGENT_UNVERIFIED: this tool needs an agent with a verified workload identity",
        DenialText.of(DenyCode.AGENT_UNVERIFIED));
  }
}
