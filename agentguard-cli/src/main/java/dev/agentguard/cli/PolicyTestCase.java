package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.AgentIdentity;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One case of a policy test file, parsed strictly (unknown fields and wrong types are errors naming
 * the case):
 *
 * <pre>{@code
 * - name: support reads a ticket          # optional
 *   agent: spiffe://acme.example/agent/support-bot
 *   tool: tickets.read
 *   action: read                          # optional, default invoke
 *   risk: low                             # optional, default medium
 *   sensitivity: internal                 # optional, default internal
 *   attributes: {resource.id: T-1}        # optional
 *   task:                                 # optional: without it task.* is missing
 *     tools: [tickets.read]
 *     maxSensitivity: confidential
 *     calls: 3
 *     purpose: refund, onBehalfOf: user:alice, ageSeconds: 60, context: {environment: prod}
 *   at: 2026-12-01T10:00:00Z              # optional evaluation time, default now
 *   expect: {decision: DENY, code: FORBIDDEN, rules: [no-exfiltration]}
 * }</pre>
 * Immutable.
 *
 * @since 0.2.0
 */
record PolicyTestCase(String name, AgentIdentity agent, ToolRequest request, TaskState task, Instant at,
    boolean expectAllow, DenyCode expectCode, List<String> expectRules) {

  private static final Set<String> FIELDS =
      Set.of("name", "agent", "tool", "action", "risk", "sensitivity", "attributes", "task", "at", "expect");
  private static final Set<String> TASK_FIELDS =
      Set.of("tools", "maxSensitivity", "calls", "purpose", "onBehalfOf", "lastTool", "ageSeconds", "context");
  private static final Set<String> EXPECT_FIELDS = Set.of("decision", "code", "rules");

  /**
   * Parses case number {@code index} (1-based).
   *
   * @param now the default evaluation time
   * @throws CliException (bad) naming the case and field when it is malformed
   */
  static PolicyTestCase parse(JsonNode node, int index, Instant now) {
    String where = "case " + index;
    if (!node.isObject()) {
      throw CliException.bad(where + ": must be a mapping with agent, tool and expect");
    }
    if (node.hasNonNull("name")) {
      where += " (" + text(node, "name", where) + ")";
    }
    checkFields(node, FIELDS, where);
    try {
      String name = node.hasNonNull("name") ? node.get("name").asText() : "case " + index;
      AgentIdentity agent = AgentIdentity.of(required(node, "agent", where));
      ToolRequest.Builder b = ToolRequest.builder(required(node, "tool", where));
      if (node.has("action")) {
        b.action(text(node, "action", where));
      }
      if (node.has("risk")) {
        b.risk(Risk.fromWireName(text(node, "risk", where)));
      }
      if (node.has("sensitivity")) {
        b.sensitivity(Sensitivity.fromWireName(text(node, "sensitivity", where)));
      }
      if (node.has("attributes")) {
        for (Map.Entry<String, Object> a : values(node.get("attributes"), where + " attributes").entrySet()) {
          b.attribute(a.getKey(), a.getValue());
        }
      }
      Instant at = now;
      if (node.has("at")) {
        at = Instant.parse(text(node, "at", where));
      }
      TaskState task = node.has("task") ? task(node.get("task"), where, at) : null;
      JsonNode expect = node.get("expect");
      if (expect == null || !expect.isObject()) {
        throw CliException.bad(where + ": 'expect' is required: {decision: ALLOW|DENY, code: ..., rules: [...]}");
      }
      checkFields(expect, EXPECT_FIELDS, where + " expect");
      String decision = required(expect, "decision", where + " expect");
      if (!decision.equals("ALLOW") && !decision.equals("DENY")) {
        throw CliException.bad(where + ": expect.decision must be ALLOW or DENY, found '" + decision + "'");
      }
      DenyCode code = null;
      if (expect.has("code")) {
        if (decision.equals("ALLOW")) {
          throw CliException.bad(where + ": expect.code only applies to DENY");
        }
        code = DenyCode.valueOf(text(expect, "code", where));
      }
      List<String> rules = expect.has("rules") ? strings(expect.get("rules"), where + " expect.rules") : null;
      return new PolicyTestCase(name, agent, b.build(), task, at, decision.equals("ALLOW"), code, rules);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw CliException.bad(where + ": " + e.getMessage());
    }
  }

  private static TaskState task(JsonNode t, String where, Instant at) {
    if (!t.isObject()) {
      throw CliException.bad(where + ": 'task' must be a mapping");
    }
    checkFields(t, TASK_FIELDS, where + " task");
    Set<String> tools = new LinkedHashSet<>(t.has("tools") ? strings(t.get("tools"), where + " task.tools") : List.of());
    Sensitivity max = t.has("maxSensitivity") ? Sensitivity.fromWireName(text(t, "maxSensitivity", where))
        : Sensitivity.PUBLIC;
    long calls = t.has("calls") ? number(t, "calls", where) : 0;
    long age = t.has("ageSeconds") ? number(t, "ageSeconds", where) : 0;
    Map<String, Object> context = t.has("context") ? values(t.get("context"), where + " task.context") : Map.of();
    String purpose = t.has("purpose") ? text(t, "purpose", where) : null;
    String onBehalfOf = t.has("onBehalfOf") ? text(t, "onBehalfOf", where) : null;
    String lastTool = t.has("lastTool") ? text(t, "lastTool", where) : null;
    return new FixedTask(Set.copyOf(tools), max, calls, at.toEpochMilli() - age * 1000, Map.copyOf(context),
        purpose, onBehalfOf, lastTool);
  }

  /** A task state given by a test case. */
  private record FixedTask(Set<String> toolsCalled, Sensitivity maxSensitivity, long calls, long startedAtMillis,
      Map<String, Object> context, String purpose, String onBehalfOf, String lastTool) implements TaskState {
    @Override
    public String id() {
      return "policy-test";
    }
  }

  private static void checkFields(JsonNode node, Set<String> allowed, String where) {
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      String f = property.getKey();
      if (!allowed.contains(f)) {
        throw CliException.bad(where + ": unknown field '" + f + "', expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static String required(JsonNode node, String field, String where) {
    if (!node.hasNonNull(field)) {
      throw CliException.bad(where + ": '" + field + "' is required");
    }
    return text(node, field, where);
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw CliException.bad(where + ": '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static long number(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
      throw CliException.bad(where + ": '" + field + "' must be a non-negative integer");
    }
    return v.asLong();
  }

  private static List<String> strings(JsonNode list, String where) {
    if (!list.isArray()) {
      throw CliException.bad(where + ": must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) {
      if (!n.isTextual()) {
        throw CliException.bad(where + ": must be a list of strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  private static Map<String, Object> values(JsonNode map, String where) {
    if (!map.isObject()) {
      throw CliException.bad(where + ": must be a mapping");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.properties().forEach(f -> out.put(f.getKey(), value(f.getValue(), where + "." + f.getKey())));
    return out;
  }

  private static Object value(JsonNode v, String where) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isFloatingPointNumber()) {
      return v.asDouble();
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>();
      v.forEach(e -> out.add(value(e, where)));
      return out;
    }
    throw CliException.bad(where + ": unsupported value " + v);
  }
}
