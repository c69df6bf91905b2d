package dev.agentguard.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.Redact;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {
  enum Priority { LOW, HIGH }

  public static class Order {
    public String id;
    public List<Integer> quantities;
  }

  @SuppressWarnings("unused")
  static class Tools {
    public void scalars(String s, int i, long l, double d, boolean b, Priority p) {}

    public void named(@P(value = "the id", name = "ticket_id") String id) {}

    public void optional(Optional<Integer> count, Integer boxed) {}

    public void defaults(@P(value = "n", defaultValue = "7") int n, @P(value = "p", defaultValue = "high") Priority p) {}

    public void complex(Order order, List<String> tags, Map<String, Integer> counts) {}

    public void injected(@ToolMemoryId Object memoryId, InvocationParameters params, InvocationContext context, String x) {}

    public void secret(@Redact int pin) {}

    public void amounts(Double amount, Float ratio, List<Double> amounts, Map<String, Object> extra, double[] raw) {}
  }

  private static ToolArguments args(String name) {
    for (Method m : Tools.class.getMethods()) {
      if (m.getName().equals(name)) {
        return ToolArguments.of(name, m);
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void convertsScalarsAndEnums() {
    Object[] a = args("scalars").bind(
        "{\"s\":\"x\",\"i\":3,\"l\":9007199254740993,\"d\":1.5,\"b\":true,\"p\":\"high\"}", null);
    assertArrayEquals(new Object[] {"x", 3, 9007199254740993L, 1.5, true, Priority.HIGH}, a);
  }

  @Test
  void usesThePNameOverTheParameterName() {
    assertArrayEquals(new Object[] {"T-1"}, args("named").bind("{\"ticket_id\":\"T-1\"}", null));
    assertArrayEquals(new Object[] {null}, args("named").bind("{\"id\":\"T-1\"}", null));
  }

  @Test
  void missingArgumentsBecomeEmptyOptionalsNullsOrDefaults() {
    assertArrayEquals(new Object[] {Optional.empty(), null}, args("optional").bind("{}", null));
    assertArrayEquals(new Object[] {Optional.of(4), 5}, args("optional").bind("{\"count\":4,\"boxed\":5}", null));
    assertArrayEquals(new Object[] {7, Priority.HIGH}, args("defaults").bind("", null));
    assertArrayEquals(new Object[] {2, Priority.LOW}, args("defaults").bind("{\"n\":2,\"p\":\"LOW\"}", null));
  }

  @Test
  void missingPrimitiveIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> args("scalars").bind("{\"s\":\"x\"}", null));
    assertTrue(e.getMessage().contains("\"i\""), e.getMessage());
  }

  @Test
  void convertsPojosAndCollections() {
    Object[] a = args("complex").bind(
        "{\"order\":{\"id\":\"O-1\",\"quantities\":[1,2],\"extra\":true},\"tags\":[\"a\",\"b\"],\"counts\":{\"x\":1}}", null);
    Order order = (Order) a[0];
    assertEquals("O-1", order.id);
    assertEquals(List.of(1, 2), order.quantities);
    assertEquals(List.of("a", "b"), a[1]);
    assertEquals(Map.of("x", 1), a[2]);
  }

  @Test
  void injectsInvocationValues() {
    InvocationParameters params = new InvocationParameters();
    InvocationContext context = InvocationContext.builder().chatMemoryId("m-1").invocationParameters(params).build();
    Object[] a = args("injected").bind("{\"x\":\"y\"}", context);
    assertEquals("m-1", a[0]);
    assertSame(params, a[1]);
    assertSame(context, a[2]);
    assertEquals("y", a[3]);
  }

  @Test
  void refusesFractionsIntoIntegersAndOutOfRangeNumbers() {
    assertThrows(IllegalArgumentException.class, () -> args("scalars").bind(
        "{\"s\":\"x\",\"i\":1.5,\"l\":1,\"d\":1,\"b\":true,\"p\":\"LOW\"}", null));
    assertThrows(IllegalArgumentException.class, () -> args("scalars").bind(
        "{\"s\":\"x\",\"i\":3000000000,\"l\":1,\"d\":1,\"b\":true,\"p\":\"LOW\"}", null));
    assertThrows(IllegalArgumentException.class, () -> args("scalars").bind(
        "{\"s\":\"x\",\"i\":1,\"l\":1,\"d\":1,\"b\":true,\"p\":\"MEDIUM\"}", null));
  }

  @Test
  void refusesArgumentsThatAreNoJsonObject() {
    assertThrows(IllegalArgumentException.class, () -> args("named").bind("[1,2]", null));
    assertThrows(IllegalArgumentException.class, () -> args("named").bind("{\"ticket_id\":", null));
  }

  @Test
  void errorsNeverEchoARedactedValue() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> args("secret").bind("{\"pin\":\"s3cr3t-value\"}", null));
    assertFalse(bad.getMessage().contains("s3cr3t-value"), bad.getMessage());
    assertNull(bad.getCause());
    IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
        () -> args("secret").bind("{\"pin\": s3cr3t-value}", null));
    assertFalse(malformed.getMessage().contains("s3cr3t"), malformed.getMessage());
  }

  @Test
  void refusesADefaultThatDoesNotConvert() {
    Method m = Tools.class.getMethods()[0];
    for (Method candidate : BadDefault.class.getMethods()) {
      if (candidate.getName().equals("tool")) {
        m = candidate;
      }
    }
    Method tool = m;
    assertThrows(IllegalArgumentException.class, () -> ToolArguments.of("tool", tool));
  }

  @SuppressWarnings("unused")
  static class BadDefault {
    public void tool(@P(value = "n", defaultValue = "many") int n) {}
  }

  @Test
  void refusesNonFiniteNumbersInsteadOfCoercingThem() { // docs/security-cases.md #39, #51
    ToolArguments a = args("amounts");
    for (String json : List.of("{\"amount\":\"NaN\"}", "{\"amount\":\"Infinity\"}", "{\"amount\":\"-Infinity\"}",
        "{\"amount\":1e999}", "{\"ratio\":\"NaN\"}", "{\"amounts\":[1.0,\"NaN\"]}",
        "{\"extra\":{\"x\":1e999}}", "{\"raw\":[\"Infinity\"]}")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.bind(json, null), json);
      assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }
    Object[] ok = a.bind("{\"amount\":1000.5,\"amounts\":[1.0],\"raw\":[2.5]}", null);
    assertEquals(1000.5, ok[0]);
  }
}
