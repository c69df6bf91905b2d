package dev.agentguard.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The warnings of {@code policy lint}: rules that can never match (expired, or a permit fully
 * shadowed by an unconditional forbid), plain permits every call of which an unconditional
 * {@code approval: required} permit sends for approval, permits for any agent on globs that cover
 * high or critical tools of the catalog, and tool globs that match no tool of the catalog. Rules in
 * {@code mode: shadow} never decide, so they shadow nothing (they are still checked themselves).
 * Not thread-safe.
 *
 * @since 0.2.0
 */
final class PolicyLinter {
  /** One warning: its kind (stable, for {@code --json}), the rule and a sentence. */
  record Warning(String kind, String rule, String message) {}

  private final ToolCatalog catalog;
  private final Instant now;
  private final Globs globs = new Globs();

  /**
   * @param catalog the application's tools, or {@code null} (then catalog checks are skipped)
   * @param now the time expiry is judged at
   */
  PolicyLinter(ToolCatalog catalog, Instant now) {
    this.catalog = catalog;
    this.now = now;
  }

  /** The warnings for one document, rule by rule in id order, then limit by limit. */
  List<Warning> lint(PolicyDocument doc) {
    List<Warning> out = new ArrayList<>();
    for (PolicyDocument.Rule rule : doc.rules()) {
      if (rule.expires() != null && !rule.expires().isAfter(now)) {
        out.add(new Warning("expired", rule.id(), "expired at " + rule.expires() + "; it never matches"));
        continue;
      }
      if (rule.permit()) {
        Optional<PolicyDocument.Rule> forbid = covering(doc, rule, false);
        forbid.ifPresent(f -> out.add(new Warning("shadowed", rule.id(),
            "every call it permits is denied by the unconditional forbid " + f.id() + "; it never allows anything"
                + (rule.shadow() ? " once enforced" : ""))));
        if (forbid.isEmpty() && !rule.approval()) {
          covering(doc, rule, true).ifPresent(a -> out.add(new Warning("needs-approval", rule.id(),
              "every call it permits needs approval: the unconditional approval permit " + a.id()
                  + " ranks above plain permits; add approval: required here, or narrow " + a.id())));
        }
      }
      if (catalog != null) {
        catalogChecks(rule, out);
      }
    }
    if (catalog != null) {
      for (PolicyDocument.Limit limit : doc.limits()) {
        for (String glob : limit.tools()) {
          if (catalog.tools().keySet().stream().noneMatch(t -> globs.matches(glob, t))) {
            out.add(new Warning("unknown-tool", limit.id(), "limit tool glob '" + glob + "' matches no tool of "
                + catalog.source() + "; the limit never applies"));
          }
        }
      }
    }
    return out;
  }

  /**
   * The first enforced, unconditional rule that selects every call {@code permit} selects, and for
   * as long: a forbid, or (with {@code approvals}) an {@code approval: required} permit.
   */
  private Optional<PolicyDocument.Rule> covering(PolicyDocument doc, PolicyDocument.Rule permit, boolean approvals) {
    for (PolicyDocument.Rule f : doc.rules()) {
      boolean kind = approvals ? f.permit() && f.approval() && f != permit : !f.permit();
      if (!kind || f.shadow() || f.when() != null) {
        continue;
      }
      if (f.expires() != null && (permit.expires() == null || f.expires().isBefore(permit.expires()))) {
        continue; // it stops before the permit does
      }
      boolean agents = f.anyAgent() || (!permit.anyAgent() && globs.coversAll(f.agents(), permit.agents()));
      if (agents && globs.coversAll(f.tools(), permit.tools())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private void catalogChecks(PolicyDocument.Rule rule, List<Warning> out) {
    for (String glob : rule.tools()) {
      List<String> matched = new ArrayList<>();
      List<String> elevated = new ArrayList<>();
      for (ToolCatalog.Tool tool : catalog.tools().values()) {
        if (globs.matches(glob, tool.name())) {
          matched.add(tool.name());
          if (tool.risk() != null && PolicyLintCommand.elevated(tool.risk())) {
            elevated.add(tool.name() + " (" + tool.risk().wireName() + ")");
          }
        }
      }
      if (matched.isEmpty()) {
        out.add(new Warning("unknown-tool", rule.id(), "tool glob '" + glob + "' matches no tool of "
            + catalog.source() + " (a typo, or a tool that was renamed?)"));
      }
      if (rule.permit() && rule.anyAgent() && !elevated.isEmpty()) {
        out.add(new Warning("any-agent-elevated", rule.id(), "permits any agent on '" + glob
            + "', which covers " + String.join(", ", elevated) + "; name the agents that need it"));
      }
    }
  }
}
