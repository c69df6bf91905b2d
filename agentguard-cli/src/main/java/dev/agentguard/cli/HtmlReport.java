package dev.agentguard.cli;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.UnreadableLine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders {@code audit report}: one self-contained HTML page (inline CSS, no script, no network, no
 * external assets; a Content-Security-Policy that forbids scripts and remote loads) with the
 * verification status on top, top deny codes and tools, per-agent counts, the policy versions seen
 * and when they changed, and one timeline per task with denials highlighted. Every string from the
 * trail is model-influenced and HTML-escaped; invisible and control characters are shown as
 * {@code \\uXXXX}. Not thread-safe.
 *
 * @since 0.2.0
 */
final class HtmlReport {
  /** Longest trail value shown in one cell. */
  private static final int MAX_CELL = 2000;

  private final StringBuilder html = new StringBuilder(64 * 1024);
  /** Records at or after this seq did not verify ({@code Long.MAX_VALUE} when all did). */
  private long firstBadSeq = Long.MAX_VALUE;

  /** The page for {@code events} of {@code files}, verified as {@code verification}. */
  static String render(List<Path> files, Verification verification, List<AuditEvent> events, Instant generatedAt) {
    return render(files, verification, List.of(), events, generatedAt);
  }

  /**
   * The page for {@code events} of {@code files}, verified as {@code verification}, read past the
   * {@code damaged} lines (listed under the verification status; never their content).
   */
  static String render(List<Path> files, Verification verification, List<UnreadableLine> damaged,
      List<AuditEvent> events, Instant generatedAt) {
    HtmlReport r = new HtmlReport();
    r.page(files, verification, damaged, events, generatedAt);
    return r.html.toString();
  }

  private void page(List<Path> files, Verification v, List<UnreadableLine> damaged, List<AuditEvent> events,
      Instant generatedAt) {
    if (!v.report().ok()) {
      firstBadSeq = v.report().firstBadSeq().orElse(v.report().lastSeq().orElse(0) + 1);
    }
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>AgentGuard audit report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    html.append("<h1>AgentGuard audit report</h1>\n<p class=\"meta\">generated ").append(text(generatedAt))
        .append(" from ");
    for (int i = 0; i < files.size(); i++) {
      html.append(i == 0 ? "" : ", ").append("<code>").append(text(files.get(i))).append("</code>");
    }
    html.append("</p>\n");
    verification(v);
    damaged(damaged);
    List<AuditEvent> decisions = new ArrayList<>();
    for (AuditEvent e : events) {
      if (AuditEvent.TOOL_DECISION.equals(e.type())) {
        decisions.add(e);
      }
    }
    summary(events, decisions);
    policyVersions(events);
    timelines(events);
    html.append("</body>\n</html>\n");
  }

  private void verification(Verification v) {
    boolean ok = v.report().ok();
    html.append("<section id=\"verification\" class=\"status ").append(ok ? "ok" : "bad").append("\">\n<h2>")
        .append(text(v.headline())).append("</h2>\n<ul>\n");
    for (String d : v.details()) {
      html.append("<li>").append(text(d)).append("</li>\n");
    }
    html.append("</ul>\n");
    if (!ok) {
      html.append("<p>Records after the first problem are shown below but are <strong>not verified</strong>.</p>\n");
    }
    html.append("</section>\n");
  }

  private void damaged(List<UnreadableLine> damaged) {
    if (damaged.isEmpty()) {
      return;
    }
    html.append("<section id=\"damaged\" class=\"status bad\">\n<h2>").append(damaged.size())
        .append(" damaged line(s) could not be read and are missing below</h2>\n<ul>\n");
    for (UnreadableLine d : damaged) {
      html.append("<li><code>").append(text(d.file().map(Path::toString).orElse("(input)") + ":" + d.line()))
          .append("</code>: ").append(text(d.reason())).append("</li>\n");
    }
    html.append("</ul>\n</section>\n");
  }

  private void summary(List<AuditEvent> events, List<AuditEvent> decisions) {
    Map<String, Integer> codes = new TreeMap<>();
    Map<String, int[]> tools = new TreeMap<>();
    Map<String, int[]> agents = new TreeMap<>();
    Map<String, String> taskAgents = new LinkedHashMap<>();
    for (AuditEvent e : events) {
      if (e.task() != null && e.agent() != null) {
        taskAgents.putIfAbsent(e.task(), e.agent());
      }
    }
    long denied = 0;
    for (AuditEvent d : decisions) {
      boolean deny = "DENY".equals(d.decision());
      denied += deny ? 1 : 0;
      if (deny) {
        codes.merge(String.valueOf(d.code()), 1, Integer::sum);
      }
      tools.computeIfAbsent(String.valueOf(d.tool()), k -> new int[2])[deny ? 1 : 0]++;
      agents.computeIfAbsent(d.agent() == null ? "(no agent: outside any task)" : d.agent(), k -> new int[3])[deny ? 1 : 0]++;
    }
    for (String agent : taskAgents.values()) {
      agents.computeIfAbsent(agent, k -> new int[3])[2]++;
    }
    html.append("<section id=\"summary\">\n<h2>Summary</h2>\n<p>").append(events.size()).append(" events, ")
        .append(taskAgents.size()).append(" tasks, ").append(decisions.size()).append(" decisions: ")
        .append(decisions.size() - denied).append(" allowed, <span class=\"denied\">").append(denied)
        .append(" denied</span>.</p>\n");

    html.append("<h3>Top deny codes</h3>\n<table id=\"deny-codes\"><tr><th>code</th><th>denials</th></tr>\n");
    codes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(c -> html.append("<tr><td>").append(text(c.getKey())).append("</td><td>").append(c.getValue())
            .append("</td></tr>\n"));
    html.append("</table>\n");

    html.append("<h3>Top tools</h3>\n<table id=\"tools\"><tr><th>tool</th><th>allowed</th><th>denied</th></tr>\n");
    tools.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, int[]> t) -> t.getValue()[1])
            .thenComparingInt(t -> t.getValue()[0]).reversed())
        .forEach(t -> html.append("<tr><td>").append(text(t.getKey())).append("</td><td>").append(t.getValue()[0])
            .append("</td><td>").append(t.getValue()[1]).append("</td></tr>\n"));
    html.append("</table>\n");

    html.append("<h3>Agents</h3>\n<table id=\"agents\"><tr><th>agent</th><th>tasks</th><th>allowed</th>"
        + "<th>denied</th></tr>\n");
    agents.forEach((a, n) -> html.append("<tr><td>").append(text(a)).append("</td><td>").append(n[2])
        .append("</td><td>").append(n[0]).append("</td><td>").append(n[1]).append("</td></tr>\n"));
    html.append("</table>\n</section>\n");
  }

  private void policyVersions(List<AuditEvent> events) {
    html.append("<section id=\"policy-versions\">\n<h2>Policy versions</h2>\n<table><tr><th>from seq</th><th>time</th>"
        + "<th>version</th><th>event</th></tr>\n");
    String current = null;
    for (AuditEvent e : events) {
      String version = e.policyVersion();
      boolean loaded = AuditEvent.POLICY_LOADED.equals(e.type());
      boolean rejected = AuditEvent.POLICY_REJECTED.equals(e.type());
      if (rejected || (version != null && (loaded || !version.equals(current)))) {
        html.append("<tr").append(rejected ? " class=\"deny\"" : "").append("><td>").append(e.seq()).append("</td><td>")
            .append(text(e.ts())).append("</td><td><code>").append(text(version == null ? "-" : version))
            .append("</code></td><td>").append(text(rejected ? "policy rejected: " + e.error()
                : loaded ? "policy loaded" : current == null ? "first seen" : "changed"))
            .append("</td></tr>\n");
        if (version != null && !rejected) {
          current = version;
        }
      }
    }
    html.append("</table>\n</section>\n");
  }

  private void timelines(List<AuditEvent> events) {
    Map<String, List<AuditEvent>> byTask = new LinkedHashMap<>();
    for (AuditEvent e : events) {
      byTask.computeIfAbsent(e.task() == null ? "" : e.task(), k -> new ArrayList<>()).add(e);
    }
    html.append("<section id=\"tasks\">\n<h2>Task timelines</h2>\n");
    for (Map.Entry<String, List<AuditEvent>> t : byTask.entrySet()) {
      List<AuditEvent> list = t.getValue();
      long denials = list.stream().filter(e -> "DENY".equals(e.decision())).count();
      AuditEvent first = list.get(0);
      html.append("<details class=\"task\"").append(denials > 0 ? " open" : "").append(">\n<summary>")
          .append(t.getKey().isEmpty() ? "events outside any task" : "task <code>" + text(t.getKey()) + "</code>")
          .append(first.agent() == null ? "" : " &middot; " + text(first.agent()))
          .append(first.onBehalfOf() == null ? "" : " &middot; for " + text(first.onBehalfOf()))
          .append(" &middot; ").append(list.size()).append(" events");
      if (denials > 0) {
        html.append(" &middot; <span class=\"denied\">").append(denials).append(" denied</span>");
      }
      html.append("</summary>\n<table class=\"timeline\"><tr><th>seq</th><th>time</th><th>event</th><th>tool</th>"
          + "<th>decision</th><th>rules</th><th>reasons</th><th>attributes</th></tr>\n");
      for (AuditEvent e : list) {
        boolean deny = "DENY".equals(e.decision());
        boolean unverified = e.seq() >= firstBadSeq;
        String cls = (deny ? "deny" : "") + (unverified ? (deny ? " " : "") + "unverified" : "");
        html.append("<tr").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append("><td>").append(e.seq())
            .append(e.seq() == firstBadSeq ? " <strong>first bad record</strong>" : unverified ? " (unverified)" : "")
            .append("</td><td>")
            .append(text(e.ts())).append("</td><td>").append(text(e.type())).append("</td><td>")
            .append(text(e.tool() == null ? "" : e.tool())).append("</td><td>")
            .append(text(e.decision() == null ? e.outcome() == null ? "" : e.outcome()
                : e.decision() + (e.code() == null ? "" : " " + e.code())
                + (e.outcome() == null ? "" : " " + e.outcome()))).append("</td><td>")
            .append(text(String.join(", ", e.policies()))).append("</td><td>")
            .append(text(String.join("; ", e.reasons()))).append("</td><td>");
        for (Map.Entry<String, Object> a : new TreeMap<>(e.attributes()).entrySet()) {
          html.append("<div><code>").append(text(a.getKey())).append("</code> = ").append(text(a.getValue()))
              .append("</div>");
        }
        html.append("</td></tr>\n");
      }
      html.append("</table>\n</details>\n");
    }
    html.append("</section>\n");
  }

  /** HTML-escapes a trail value after making invisible characters visible. */
  static String text(Object value) {
    String s = Terminal.visible(value, MAX_CELL);
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final String CSS = String.join("\n",
      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#1b1f24;background:#fff}",
      "h1{font-size:1.6em;margin-bottom:0}.meta{color:#57606a;margin-top:.3em}",
      ".status{border-radius:6px;padding:.6em 1.2em;margin:1em 0}",
      ".status.ok{background:#dafbe1;border:2px solid #1a7f37}.status.bad{background:#ffebe9;border:2px solid #cf222e}",
      "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #d0d7de;padding:.25em .6em;",
      "text-align:left;vertical-align:top;font-size:.92em}th{background:#f6f8fa}",
      "tr.deny td{background:#ffebe9}.denied{color:#cf222e;font-weight:bold}",
      "tr.unverified td{font-style:italic;color:#6e7781;border-style:dashed}",
      "details.task{margin:.5em 0;border:1px solid #d0d7de;border-radius:6px;padding:.3em .8em}",
      "summary{cursor:pointer;font-weight:600}code{font-family:ui-monospace,Menlo,monospace;font-size:.95em;",
      "word-break:break-all}", "");
}
