package dev.agentguard.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.Explanation;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard policy explain FILE --agent A --tool T [--attr k=v ...]}: the decision, and for
 * every rule whose tools and agents select the call, the value of its condition and of each
 * sub-condition (true / false / error and why), from {@link PolicySet#explain}.
 *
 * @since 0.2.0
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Explain a decision: for every rule whose tools and agents match, the value of each",
        "sub-condition (true / false / error and why). Exit 0 whatever the decision; --fail-on-deny exits 1 on DENY."})
final class PolicyExplainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The policy file.")
  Path file;

  @Option(names = "--agent", required = true, paramLabel = "ID", description = "The calling agent's id.")
  String agent;

  @Option(names = "--tool", required = true, paramLabel = "NAME", description = "The tool name.")
  String tool;

  @Option(names = "--action", paramLabel = "ACTION", description = "The tool's action (default: invoke).")
  String action;

  @Option(names = "--risk", paramLabel = "RISK", description = "The tool's risk: low, medium (default), high, critical.")
  String risk;

  @Option(names = "--sensitivity", paramLabel = "S",
      description = "The tool's sensitivity: public, internal (default), confidential, restricted.")
  String sensitivity;

  @Option(names = "--attr", paramLabel = "PATH=VALUE",
      description = {"A request attribute; VALUE is read as JSON when it parses (true, 42, [\"a\"], \"007\"),",
          "else as a string."})
  Map<String, String> attributes = new LinkedHashMap<>();

  @Option(names = "--task-tool", paramLabel = "NAME", description = "A tool the task has called (task.tools); repeatable.")
  List<String> taskTools = new ArrayList<>();

  @Option(names = "--max-sensitivity", paramLabel = "S", description = "task.maxSensitivity.")
  String maxSensitivity;

  @Option(names = "--calls", paramLabel = "N", description = "task.calls.")
  Long calls;

  @Option(names = "--context", paramLabel = "NAME=VALUE", description = "Task context (context.NAME), as --attr.")
  Map<String, String> context = new LinkedHashMap<>();

  @Option(names = "--at", paramLabel = "INSTANT", description = "Evaluation time (ISO-8601; default: now).")
  Instant at;

  @Option(names = "--fail-on-deny", description = "Exit 1 when the decision is DENY.")
  boolean failOnDeny;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PolicySet set = PolicyFiles.loadOrFail(file);
    AgentIdentity identity;
    ToolRequest request;
    TaskState task;
    try {
      identity = AgentIdentity.of(agent);
      ToolRequest.Builder b = ToolRequest.builder(tool);
      if (action != null) {
        b.action(action);
      }
      if (risk != null) {
        b.risk(Risk.fromWireName(risk));
      }
      if (sensitivity != null) {
        b.sensitivity(Sensitivity.fromWireName(sensitivity));
      }
      attributes.forEach((k, v) -> b.attribute(k, value(v)));
      request = b.build();
      task = taskState();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    long now = (at == null ? Instant.now() : at).toEpochMilli();
    Explanation explanation = set.explain(identity, request, task, now);
    Decision d = explanation.decision();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("policyVersion", set.version());
      doc.put("decision", d.allowed() ? "ALLOW" : "DENY");
      doc.put("code", d.allowed() ? null : d.code().name());
      doc.put("policies", d.policies());
      doc.put("reasons", d.reasons());
      List<Map<String, Object>> rules = new ArrayList<>();
      for (Explanation.Rule r : explanation.rules()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("effect", r.effect().toString());
        m.put("expired", r.expired());
        m.put("outcome", r.outcome().name());
        m.put("matched", r.matched());
        m.put("condition", r.conditionTree().map(PolicyExplainCommand::toJson).orElse(null));
        rules.add(m);
      }
      doc.put("rules", rules);
      Json.print(out, doc);
    } else {
      out.println((d.allowed() ? "ALLOW" : "DENY " + d.code())
          + (d.policies().isEmpty() ? "" : " by " + String.join(", ", d.policies()))
          + "  (" + Terminal.safe(String.join("; ", d.reasons())) + ")");
      out.println("policy " + set.version() + " (" + file + ")");
      if (explanation.rules().isEmpty()) {
        out.println("no rule's tools and agents select this call");
      }
      for (Explanation.Rule r : explanation.rules()) {
        out.println("rule " + r.id() + "  " + r.effect().toString().toLowerCase(java.util.Locale.ROOT) + "  "
            + (r.expired() ? "EXPIRED (never matches)" : r.matched() ? "MATCHED" : r.outcome().name()));
        r.conditionTree().ifPresent(c -> print(out, c, "  "));
      }
    }
    return failOnDeny && !d.allowed() ? Main.BAD : Main.OK;
  }

  private TaskState taskState() {
    if (taskTools.isEmpty() && maxSensitivity == null && calls == null && context.isEmpty()) {
      return null;
    }
    Map<String, Object> ctx = new LinkedHashMap<>();
    context.forEach((k, v) -> ctx.put(k, value(v)));
    Set<String> tools = new LinkedHashSet<>(taskTools);
    Sensitivity max = maxSensitivity == null ? Sensitivity.PUBLIC : Sensitivity.fromWireName(maxSensitivity);
    long started = (at == null ? Instant.now() : at).toEpochMilli();
    return new GivenTask(Set.copyOf(tools), max, calls == null ? 0 : calls, started, Map.copyOf(ctx));
  }

  /** The task state given on the command line. */
  private record GivenTask(Set<String> toolsCalled, Sensitivity maxSensitivity, long calls, long startedAtMillis,
      Map<String, Object> context) implements TaskState {
    @Override
    public String id() {
      return "policy-explain";
    }

    @Override
    public String purpose() {
      return null;
    }

    @Override
    public String onBehalfOf() {
      return null;
    }

    @Override
    public String lastTool() {
      return null;
    }
  }

  /** A command-line value: JSON when it parses as a scalar or list, else the text itself. */
  static Object value(String text) {
    JsonNode n;
    try {
      n = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
    } catch (IOException e) {
      return text;
    }
    Object v = n == null ? null : scalar(n);
    return v == null ? text : v;
  }

  private static Object scalar(JsonNode n) {
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.asLong();
    }
    if (n.isFloatingPointNumber()) {
      return n.asDouble();
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      for (JsonNode e : n) {
        Object v = scalar(e);
        if (v == null) {
          return null;
        }
        out.add(v);
      }
      return out;
    }
    return null;
  }

  private static void print(PrintWriter out, Explanation.Condition c, String indent) {
    out.println(indent + c.outcome().name() + (c.kind() == Explanation.Kind.TEST ? "  " : "  " + c.kind() + "  ")
        + Terminal.visible(c.text(), 1000) + c.error().map(e -> "  -- error: " + Terminal.visible(e, 1000)).orElse(""));
    for (Explanation.Condition child : c.children()) {
      print(out, child, indent + "  ");
    }
  }

  private static Map<String, Object> toJson(Explanation.Condition c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", c.kind().name());
    m.put("text", c.text());
    m.put("outcome", c.outcome().name());
    m.put("error", c.error().orElse(null));
    List<Map<String, Object>> children = new ArrayList<>();
    c.children().forEach(child -> children.add(toJson(child)));
    m.put("children", children);
    return m;
  }
}
