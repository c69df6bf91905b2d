package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tool's request made from its template is the builder's request for the same copied arguments. */
class ToolDescriptorTest {
  private static ToolDescriptor.Binding bind(int index, String path, boolean redacted) {
    return new ToolDescriptor.Binding(index, path, redacted, path != null ? path : "arg" + index, "String",
        ArgumentCopier.forParameter(String.class, List.of(String.class), "argument " + index));
  }

  private static ToolDescriptor tool(ToolDescriptor.Binding... bindings) {
    return new ToolDescriptor("files.move", "write", Risk.MEDIUM, Sensitivity.CONFIDENTIAL, List.of(bindings));
  }

  private static ToolRequest.Builder reference() {
    return ToolRequest.builder("files.move").action("write").risk(Risk.MEDIUM).sensitivity(Sensitivity.CONFIDENTIAL);
  }

  @Test
  void oneTwoAndThreeBoundArgumentsGiveTheBuildersRequest() {
    Object[] args = {"F-1", "F-2", "prod"};
    assertEquals(reference().attribute("resource.id", "F-1").build(),
        tool(bind(0, "resource.id", false)).request(args));
    assertEquals(reference().attribute("resource.id", "F-1").attribute("resource.target", "F-2").build(),
        tool(bind(0, "resource.id", false), bind(1, "resource.target", false)).request(args));
    assertEquals(reference().attribute("resource.id", "F-1").attribute("resource.target", "F-2")
            .attribute("context.environment", "prod").build(),
        tool(bind(0, "resource.id", false), bind(1, "resource.target", false), bind(2, "context.environment", false))
            .request(args));
  }

  @Test
  void twoParametersBoundToOnePathKeepTheLaterOneAsTheBuilderDoes() {
    ToolDescriptor d = tool(bind(0, "resource.id", false), bind(1, "resource.id", false));
    assertEquals("F-2", d.request(new Object[] {"F-1", "F-2"}).attribute("resource.id"));
  }

  @Test
  void anArgumentThatCannotBeFrozenIsNamedByParameterNeverByValue() { // docs/security-cases.md #42
    ToolDescriptor d = tool(bind(0, "resource.id", false), bind(1, "resource.sensitivity", true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.request(new Object[] {"F-1", "hunter2-secret"}));
    assertTrue(e.getMessage().contains("argument 1"), e.getMessage());
    assertTrue(e.getMessage().contains("redacted"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2-secret"), e.getMessage());
  }

  @Test
  void aToolWithoutRedactionsKeepsTheRequestsOwnAttributesForTheRecord() {
    ToolDescriptor d = tool(bind(0, "resource.id", false));
    Object[] args = d.copyArguments(new Object[] {"F-1"});
    ToolRequest r = d.request(args);
    assertSame(Map.of(), d.digests(args));
    assertNull(d.auditAttributes(r, d.digests(args)), "null: the record reads the decided request's attributes");
  }

  @Test
  void aRedactedArgumentIsDigestedAndHiddenInTheRecord() { // docs/security-cases.md #41
    ToolDescriptor d = tool(bind(0, "resource.id", false), bind(1, null, true));
    Object[] args = d.copyArguments(new Object[] {"F-1", "the-body"});
    Map<String, Object> record = d.auditAttributes(d.request(args), d.digests(args));
    assertEquals("F-1", record.get("resource.id"));
    assertTrue(String.valueOf(record.get("arg1")).length() > 0);
    assertFalse(record.containsValue("the-body"));
  }
}
