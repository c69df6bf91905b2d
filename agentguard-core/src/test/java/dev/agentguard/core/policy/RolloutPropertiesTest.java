package dev.agentguard.core.policy;

import static dev.agentguard.core.policy.PolicyPropertiesTest.E;
import static dev.agentguard.core.policy.PolicyPropertiesTest.F;
import static dev.agentguard.core.policy.PolicyPropertiesTest.NOW;
import static dev.agentguard.core.policy.PolicyPropertiesTest.T;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.policy.CompiledPolicySet;
import dev.agentguard.core.policy.PolicyPropertiesTest.R;
import dev.agentguard.core.policy.PolicyPropertiesTest.Req;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

// docs/security-cases.md #81
/**
 * {@code mode: shadow} and {@code approval: required} against naive references: shadow rules never
 * change a decision (the same set without them decides identically), their reported results are
 * those of a linear scan, and approval permits rank between forbids and plain permits.
 */
class RolloutPropertiesTest {
  private final PolicyPropertiesTest base = new PolicyPropertiesTest();

  /** A rule and whether it is a shadow rule / an approval permit. */
  record M(R rule, boolean shadow, boolean approval) {
    String json() {
      String j = rule.json();
      String extra = (shadow ? ",\"mode\":\"shadow\"" : "") + (approval ? ",\"approval\":\"required\"" : "");
      return j.substring(0, j.length() - 1) + extra + "}";
    }
  }

  static PolicySet compile(List<M> rules) {
    StringBuilder sb = new StringBuilder("{\"version\":1,\"policies\":[");
    for (int i = 0; i < rules.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(rules.get(i).json());
    }
    return PolicySet.parse(sb.append("]}").toString());
  }

  @Provide
  Arbitrary<List<M>> modal() {
    return PolicyPropertiesTest.rules().flatMap(r -> Arbitraries.of(0, 1, 2, 3).map(k ->
        new M(r, k == 1, k >= 2 && !r.forbid()))).list().ofMaxSize(10).uniqueElements(m -> m.rule().id());
  }

  @Provide
  Arbitrary<Req> requests() {
    return base.requests();
  }

  private static List<M> enforced(List<M> rules) {
    List<M> out = new ArrayList<>();
    for (M m : rules) {
      if (!m.shadow()) {
        out.add(m);
      }
    }
    return out;
  }

  /** Everything a decision says except the policy version (the two documents differ). */
  private static List<Object> content(Decision d) {
    return List.of(d.allowed(), String.valueOf(d.code()), d.policies(), d.reasons());
  }

  @Property(tries = 400)
  void shadowRulesNeverChangeADecision(@ForAll("modal") List<M> rules, @ForAll("requests") Req q) {
    PolicySet with = compile(rules);
    PolicySet without = compile(enforced(rules));
    AgentIdentity agent = AgentIdentity.of(q.agent());
    Decision a = with.evaluate(agent, q.toRequest(), null, NOW);
    assertEquals(content(without.evaluate(agent, q.toRequest(), null, NOW)), content(a));
    assertEquals(content(a), content(with.explain(agent, q.toRequest(), null, NOW).decision()),
        "the explainer agrees with the engine");
  }

  @Property(tries = 400)
  void shadowResultsAreThoseOfALinearScan(@ForAll("modal") List<M> rules, @ForAll("requests") Req q) {
    TreeMap<String, String> expected = new TreeMap<>();
    for (M m : rules) {
      if (m.shadow() && PolicyPropertiesTest.applies(m.rule(), q)) {
        int v = PolicyPropertiesTest.cond(m.rule(), q);
        expected.put(m.rule().id(), m.rule().id() + (v == T ? "=match" : v == F ? "=no-match" : "=error"));
      }
    }
    CompiledPolicySet set = (CompiledPolicySet) compile(rules);
    assertEquals(new ArrayList<>(expected.values()),
        set.shadowResults(AgentIdentity.of(q.agent()), q.toRequest(), null, NOW));
  }

  @Property(tries = 400)
  void approvalPermitsRankBetweenForbidsAndPermits(@ForAll("modal") List<M> rules, @ForAll("requests") Req q) {
    String forbid = null;
    int forbidValue = F;
    String approval = null;
    String permit = null;
    TreeSet<String> permitErrors = new TreeSet<>();
    for (M m : enforced(rules)) {
      R r = m.rule();
      if (!PolicyPropertiesTest.applies(r, q)) {
        continue;
      }
      int v = PolicyPropertiesTest.cond(r, q);
      if (r.forbid()) {
        if (v != F && (forbid == null || r.id().compareTo(forbid) < 0)) {
          forbid = r.id();
          forbidValue = v;
        }
      } else if (v == T) {
        if (m.approval()) {
          approval = approval == null || r.id().compareTo(approval) < 0 ? r.id() : approval;
        } else if (permit == null || r.id().compareTo(permit) < 0) {
          permit = r.id();
        }
      } else if (v == E) {
        permitErrors.add(r.id());
      }
    }
    List<Object> expected;
    if (forbid != null) {
      expected = List.of(false, forbidValue == E ? DenyCode.EVALUATION_ERROR : DenyCode.FORBIDDEN, List.of(forbid));
    } else if (approval != null) {
      expected = List.of(false, DenyCode.APPROVAL_REQUIRED, List.of(approval));
    } else if (permit != null) {
      expected = List.of(true, "ALLOW", List.of(permit));
    } else {
      expected = List.of(false, DenyCode.NO_MATCHING_PERMIT, List.of());
    }
    PolicySet set = compile(rules);
    AgentIdentity agent = AgentIdentity.of(q.agent());
    Decision d = set.evaluate(agent, q.toRequest(), null, NOW);
    assertEquals(expected, List.of(d.allowed(), d.allowed() ? "ALLOW" : d.code(), d.policies()));
    if (d.code() == DenyCode.NO_MATCHING_PERMIT) {
      assertEquals(permitErrors.size(), d.reasons().size() - 1, "one reason per permit that errored: " + d.reasons());
    }
    Decision explained = set.explain(agent, q.toRequest(), null, NOW).decision();
    assertEquals(expected, List.of(explained.allowed(), explained.allowed() ? "ALLOW" : explained.code(),
        explained.policies()));
  }
}
