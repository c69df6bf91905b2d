package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit show FILE...}: one readable line per event (time, seq, task, type, tool,
 * decision, code, rules, attributes), filtered by task, agent, denials and time. Does not verify
 * (use {@code audit verify}); trail strings are escaped for the terminal.
 *
 * @since 0.2.0
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print one line per event, rotated files in order; filters combine with AND.")
final class AuditShowCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DamagedLines damaged;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files (each with its rotated files).")
  List<Path> files;

  @Option(names = "--task", paramLabel = "ID", description = "Only events of this task.")
  String task;

  @Option(names = "--agent", paramLabel = "ID", description = "Only events of this agent.")
  String agent;

  @Option(names = "--denied", description = "Only denied decisions.")
  boolean denied;

  @Option(names = "--since", paramLabel = "INSTANT", description = "Only events at or after this time (ISO-8601).")
  Instant since;

  @Option(names = "--until", paramLabel = "INSTANT", description = "Only events before this time (ISO-8601).")
  Instant until;

  @Option(names = "--json", description = "Machine-readable output: the selected events.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<AuditEvent> events = damaged.read(Trail.files(files), spec.commandLine().getErr());
    List<Map<String, Object>> selected = new ArrayList<>();
    int count = 0;
    for (AuditEvent e : events) {
      if (!selected(e)) {
        continue;
      }
      count++;
      if (json) {
        selected.add(toJson(e));
      } else {
        out.println(line(e));
      }
    }
    if (json) {
      Json.print(out, selected);
    } else {
      out.println("-- " + count + " of " + events.size() + " event(s)");
    }
    return damaged.exitCode(Main.OK);
  }

  private boolean selected(AuditEvent e) {
    if (task != null && !task.equals(e.task())) {
      return false;
    }
    if (agent != null && !agent.equals(e.agent())) {
      return false;
    }
    if (denied && !"DENY".equals(e.decision())) {
      return false;
    }
    if (since != null || until != null) {
      Instant ts = timestamp(e);
      if (ts == null || (since != null && ts.isBefore(since)) || (until != null && !ts.isBefore(until))) {
        return false;
      }
    }
    return true;
  }

  /** The event's time, or {@code null} when it does not parse. */
  static Instant timestamp(AuditEvent e) {
    try {
      return e.ts() == null ? null : Instant.parse(e.ts());
    } catch (DateTimeParseException ex) {
      return null;
    }
  }

  /** One human-readable, terminal-safe line. */
  static String line(AuditEvent e) {
    StringBuilder sb = new StringBuilder();
    sb.append(Terminal.safe(e.ts())).append("  #").append(e.seq()).append("  ").append(Terminal.safe(e.type()));
    if (e.task() != null) {
      sb.append("  ").append(Terminal.safe(e.task()));
    }
    if (e.tool() != null) {
      sb.append("  ").append(Terminal.safe(e.tool()));
    }
    if (e.decision() != null) {
      sb.append("  ").append(Terminal.safe(e.decision()));
    }
    if (e.code() != null) {
      sb.append(' ').append(Terminal.safe(e.code()));
    }
    if (e.outcome() != null) {
      sb.append("  ").append(Terminal.safe(e.outcome()));
    }
    if (!e.policies().isEmpty()) {
      sb.append("  rules=").append(Terminal.safe(String.join(",", e.policies())));
    }
    if (e.type().equals(AuditEvent.TOOL_DECISION) && "DENY".equals(e.decision()) && !e.reasons().isEmpty()) {
      sb.append("  why=\"").append(Terminal.safe(String.join("; ", e.reasons()))).append('"');
    }
    for (Map.Entry<String, Object> a : new TreeMap<>(e.attributes()).entrySet()) {
      sb.append("  ").append(Terminal.safe(a.getKey())).append('=').append(Terminal.safe(a.getValue()));
    }
    if (e.count() != null) {
      sb.append("  count=").append(e.count());
    }
    if (e.error() != null) {
      sb.append("  error=\"").append(Terminal.safe(e.error())).append('"');
    }
    if (e.type().equals(AuditEvent.TASK_STARTED) && e.agent() != null) {
      sb.append("  agent=").append(Terminal.safe(e.agent()));
    }
    return sb.toString();
  }

  /** The fields of an event as JSON. */
  static Map<String, Object> toJson(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("ts", e.ts());
    m.put("type", e.type());
    m.put("agent", e.agent());
    m.put("onBehalfOf", e.onBehalfOf());
    m.put("task", e.task());
    m.put("credential", e.credential());
    m.put("tool", e.tool());
    m.put("action", e.action());
    m.put("risk", e.risk());
    m.put("decision", e.decision());
    m.put("code", e.code());
    m.put("reasons", e.reasons());
    m.put("policies", e.policies());
    m.put("policyVersion", e.policyVersion());
    m.put("outcome", e.outcome());
    m.put("error", e.error());
    m.put("durationMicros", e.durationMicros());
    m.put("count", e.count());
    m.put("attributes", new TreeMap<>(e.attributes()));
    m.put("hash", e.hash());
    return m;
  }
}
