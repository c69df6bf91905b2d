package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.Explanation;
import dev.agentguard.core.PolicyRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds an {@link Explanation} by a linear scan over every rule (sorted by id) and a full
 * evaluation of each condition tree, then decides from those results alone — independently of the
 * indexed engine, which property tests compare it with. Stateless and thread-safe.
 */
final class PolicyExplainer {
  private PolicyExplainer() {}

  static Explanation explain(List<CompiledRule> byId, String version, AgentIdentity a, ToolRequest r, TaskState t,
      long now) {
    List<Explanation.Rule> rules = new ArrayList<>();
    CompiledRule forbid = null;
    String forbidError = null;
    CompiledRule permit = null;
    CompiledRule approval = null;
    List<String> permitErrors = new ArrayList<>();
    for (CompiledRule e : byId) {
      if (!e.rule.toolMatches(r.tool()) || !e.rule.agentMatches(a.id())) {
        continue;
      }
      boolean expired = e.expiredAt(now);
      Optional<Explanation.Condition> tree = e.rule.when == null ? Optional.empty() : Optional.of(node(e.rule.cond, a, r, t, now));
      Explanation.Outcome outcome = tree.map(Explanation.Condition::outcome).orElse(Explanation.Outcome.TRUE);
      rules.add(new ExplainedRule(RuleView.of(e.rule), expired, outcome, tree));
      if (expired || e.rule.shadow) {
        continue; // a shadow rule is listed with its outcome but never decides
      }
      if (e.rule.forbid) {
        if (forbid == null && outcome != Explanation.Outcome.FALSE) {
          forbid = e;
          forbidError = tree.flatMap(Explanation.Condition::error).orElse(null);
        }
      } else if (outcome == Explanation.Outcome.TRUE) {
        if (e.rule.approval) {
          approval = approval == null ? e : approval;
        } else if (permit == null) {
          permit = e;
        }
      } else if (outcome == Explanation.Outcome.ERROR) {
        permitErrors.add(e.permitError(tree.flatMap(Explanation.Condition::error).orElseThrow()));
      }
    }
    Decision d;
    if (forbid != null) {
      d = forbidError == null ? forbid.decision : forbid.forbidError(forbidError);
    } else if (approval != null) {
      d = approval.decision; // approval permits rank above plain permits (ModalRules)
    } else if (permit != null) {
      d = permit.decision;
    } else {
      d = CompiledRule.noPermit(permitErrors, version);
    }
    return new ExplanationImpl(d, List.copyOf(rules));
  }

  private static Explanation.Condition node(Expr.Cond c, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    Explanation.Kind kind;
    List<Explanation.Condition> children = new ArrayList<>();
    if (c instanceof Logic.Junction j) {
      kind = j.decisive == Expr.FALSE ? Explanation.Kind.AND : Explanation.Kind.OR;
      for (Expr.Cond child : j.cs) {
        children.add(node(child, a, r, t, now));
      }
    } else if (c instanceof Logic.Not n) {
      kind = Explanation.Kind.NOT;
      children.add(node(n.c, a, r, t, now));
    } else {
      kind = Explanation.Kind.TEST;
    }
    int v = CompiledRule.test(c, a, r, t, now);
    Explanation.Outcome outcome = switch (v) {
      case Expr.TRUE -> Explanation.Outcome.TRUE;
      case Expr.FALSE -> Explanation.Outcome.FALSE;
      default -> Explanation.Outcome.ERROR;
    };
    Optional<String> error = v == Expr.ERROR ? Optional.of(CompiledRule.why(c, a, r, t, now)) : Optional.empty();
    return new ConditionNode(kind, c.text, outcome, error, List.copyOf(children));
  }

  /** Immutable. */
  record ExplanationImpl(Decision decision, List<Explanation.Rule> rules) implements Explanation {}

  /** Immutable. */
  record ExplainedRule(PolicyRule view, boolean expired, Explanation.Outcome outcome,
      Optional<Explanation.Condition> conditionTree) implements Explanation.Rule {
    @Override
    public String id() {
      return view.id();
    }

    @Override
    public Effect effect() {
      return view.effect();
    }

    @Override
    public Optional<String> description() {
      return view.description();
    }

    @Override
    public List<String> tools() {
      return view.tools();
    }

    @Override
    public List<String> agents() {
      return view.agents();
    }

    @Override
    public Optional<Instant> expires() {
      return view.expires();
    }

    @Override
    public Optional<String> condition() {
      return view.condition();
    }

    @Override
    public boolean shadow() {
      return view.shadow();
    }

    @Override
    public boolean approvalRequired() {
      return view.approvalRequired();
    }

    @Override
    public boolean matched() {
      return !expired && outcome == Explanation.Outcome.TRUE;
    }
  }

  /** Immutable. */
  record ConditionNode(Explanation.Kind kind, String text, Explanation.Outcome outcome, Optional<String> error,
      List<Explanation.Condition> children) implements Explanation.Condition {}
}
