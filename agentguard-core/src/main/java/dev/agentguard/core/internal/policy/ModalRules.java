package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules of one compiled set that the indexed engine does not decide with: {@code mode: shadow}
 * rules (evaluated and reported, never deciding) and {@code approval: required} permits. Kept apart
 * so the engine's index and its hot loop stay as they are.
 *
 * <p>Approval permits rank between forbids and plain permits: a qualifying forbid still denies (and
 * a forbid that cannot be evaluated still denies {@code EVALUATION_ERROR}); otherwise a matching
 * approval permit (the smallest id) turns the decision into {@code APPROVAL_REQUIRED}, even when a
 * plain permit matches too; an approval permit whose condition errors counts as no match, like any
 * permit. Default deny holds: without a matching permit of either kind the call is denied
 * {@code NO_MATCHING_PERMIT}. {@code APPROVAL_REQUIRED} is a deny, so code that evaluates a set
 * without asking anyone never runs such a call.
 *
 * <p>Immutable apart from a bounded per-tool cache; thread-safe.
 */
final class ModalRules {
  private static final CompiledRule[] NONE = ToolCandidates.NONE;

  private final CompiledRule[] approvals;
  private final CompiledRule[] shadows;
  /** Whether an approval permit may need the current time ({@link Rule#readsClock()}). */
  private final boolean approvalsReadClock;
  private final ConcurrentHashMap<String, ToolRules> byTool = new ConcurrentHashMap<>();

  /**
   * The approval permits and shadow rules whose tools match one tool name, by id, with each shadow
   * rule's three result texts built once ({@code =match}, {@code =no-match}, {@code =error}).
   */
  private record ToolRules(CompiledRule[] approvals, CompiledRule[] shadows, String[][] results) {}

  ModalRules(List<CompiledRule> rules) {
    List<CompiledRule> a = new ArrayList<>();
    List<CompiledRule> s = new ArrayList<>();
    for (CompiledRule e : rules) {
      (e.rule.shadow ? s : a).add(e);
    }
    a.sort(Comparator.comparing(e -> e.id));
    s.sort(Comparator.comparing(e -> e.id));
    this.approvals = a.toArray(NONE);
    this.shadows = s.toArray(NONE);
    this.approvalsReadClock = a.stream().anyMatch(e -> e.rule.readsClock());
  }

  /** Whether a rule is decided here rather than by the indexed engine. */
  static boolean separate(Rule r) {
    return r.shadow || r.approval;
  }

  /** The decision of an approval permit: a deny until approved. */
  static Decision approvalRequired(String id, String version) {
    return Decision.deny(DenyCode.APPROVAL_REQUIRED, List.of("permitted by " + id + " once approved"), List.of(id),
        version);
  }

  /** Whether {@link #apply} may need the current time. */
  boolean readsClock() {
    return approvalsReadClock;
  }

  boolean hasShadowRules() {
    return shadows.length > 0;
  }

  /**
   * The decision once approval permits are applied to the engine's decision {@code enforced}.
   */
  Decision apply(Decision enforced, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    if (approvals.length == 0 || !(enforced.allowed() || enforced.code() == DenyCode.NO_MATCHING_PERMIT)) {
      return enforced;
    }
    List<String> errors = null;
    for (CompiledRule e : candidates(r.tool()).approvals()) {
      if (e.expiredAt(now) || !e.rule.agentMatches(a.id())) {
        continue;
      }
      int v = e.test(a, r, t, now);
      if (v == Expr.TRUE) {
        return e.decision;
      }
      if (v == Expr.ERROR) {
        if (errors == null) {
          errors = new ArrayList<>();
        }
        errors.add(e.permitError(e.why(a, r, t, now)));
      }
    }
    if (errors == null || enforced.allowed()) {
      return enforced;
    }
    // "permit <id> could not be evaluated: ..." sorts as its id does (ids have no character below
    // the space), so the merged list is in id order, as the engine and the explainer list them
    List<String> merged = new ArrayList<>(enforced.reasons().subList(1, enforced.reasons().size()));
    merged.addAll(errors);
    merged.sort(null);
    List<String> reasons = new ArrayList<>(merged.size() + 1);
    reasons.add(enforced.reasons().get(0));
    reasons.addAll(merged);
    return Decision.deny(DenyCode.NO_MATCHING_PERMIT, reasons, enforced.policies(), enforced.policyVersion());
  }

  /**
   * The results of the shadow rules whose tools and agents select the call and that have not
   * expired: {@code <id>=match}, {@code <id>=no-match} or {@code <id>=error}, by id; empty when none.
   * Never throws for a rule that cannot be evaluated: that is an {@code error} result.
   */
  List<String> shadowResults(AgentIdentity a, ToolRequest r, TaskState t, long now) {
    if (shadows.length == 0) {
      return List.of();
    }
    ToolRules c = candidates(r.tool());
    String[] out = null;
    int n = 0;
    for (int i = 0; i < c.shadows().length; i++) {
      CompiledRule e = c.shadows()[i];
      if (e.expiredAt(now) || !e.rule.agentMatches(a.id())) {
        continue;
      }
      int v = e.test(a, r, t, now);
      if (out == null) {
        out = new String[c.shadows().length - i];
      }
      out[n++] = c.results()[i][v == Expr.TRUE ? 0 : v == Expr.FALSE ? 1 : 2];
    }
    return out == null ? List.of() : n == out.length ? List.of(out) : List.of(java.util.Arrays.copyOf(out, n));
  }

  /** The rules of {@link ToolRules} for {@code tool}; cached for a bounded number of tools. */
  private ToolRules candidates(String tool) {
    ToolRules c = byTool.get(tool);
    if (c != null) {
      return c;
    }
    CompiledRule[] s = matching(shadows, tool);
    String[][] results = new String[s.length][];
    for (int i = 0; i < s.length; i++) {
      results[i] = new String[] {s[i].id + "=match", s[i].id + "=no-match", s[i].id + "=error"};
    }
    c = new ToolRules(matching(approvals, tool), s, results);
    if (byTool.size() < CompiledPolicySet.MAX_CACHED_TOOLS) {
      byTool.putIfAbsent(tool, c);
    }
    return c;
  }

  private static CompiledRule[] matching(CompiledRule[] rules, String tool) {
    List<CompiledRule> out = new ArrayList<>();
    for (CompiledRule e : rules) {
      if (e.rule.toolMatches(tool)) {
        out.add(e);
      }
    }
    return out.isEmpty() ? NONE : out.toArray(NONE);
  }
}
