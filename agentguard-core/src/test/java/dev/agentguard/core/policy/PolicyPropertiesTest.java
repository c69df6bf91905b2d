package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random policies and requests: the indexed engine against a deliberately naive reference evaluator
 * (a linear scan over this test's own rule model with its own three-valued interpreter), plus the
 * monotonicity and order-independence properties.
 */
class PolicyPropertiesTest {
  static final int T = 1;
  static final int F = 0;
  static final int E = 2;
  static final long NOW = 2_000_000_000_000L;
  static final List<String> TOOLS = List.of("a.x", "a.y", "b.x", "c.z");
  static final List<String> AGENTS = List.of("ag1", "ag2", "bot-1", "zz");
  /** A huge string value: starts like the list elements, equals none. */
  static final String LONG_S = "v" + "w".repeat(100_000);

  /** A request in the test's own terms. */
  record Req(String tool, String agent, Object n, String s, String e, Risk risk, Sensitivity sens) {
    ToolRequest toRequest() {
      ToolRequest.Builder b = ToolRequest.builder(tool).risk(risk).sensitivity(sens);
      if (n != null) {
        b.attribute("resource.n", n);
      }
      if (s != null) {
        b.attribute("resource.s", s);
      }
      if (e != null) {
        b.attribute("context.e", e);
      }
      return b.build();
    }
  }

  /** A condition: its text and the reference meaning. */
  record C(String text, ToIntFunction<Req> eval) {}

  record R(String id, boolean forbid, List<String> tools, List<String> agents, C when, Long expires) {
    String json() {
      StringBuilder sb = new StringBuilder("{\"id\":\"" + id + "\",\"effect\":\"" + (forbid ? "forbid" : "permit") + "\",\"tools\":[");
      for (int i = 0; i < tools.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(Eval.json(tools.get(i)));
      }
      sb.append("]");
      if (agents != null) {
        sb.append(",\"agents\":[");
        for (int i = 0; i < agents.size(); i++) {
          sb.append(i == 0 ? "" : ",").append(Eval.json(agents.get(i)));
        }
        sb.append("]");
      }
      if (when != null) {
        sb.append(",\"when\":").append(Eval.json(when.text()));
      }
      if (expires != null) {
        sb.append(",\"expires\":\"").append(java.time.Instant.ofEpochMilli(expires)).append("\"");
      }
      return sb.append("}").toString();
    }

    R withId(String newId) {
      return new R(newId, forbid, tools, agents, when, expires);
    }

    R withWhen(C c) {
      return new R(id, forbid, tools, agents, c, expires);
    }
  }

  static String doc(List<R> rules) {
    StringBuilder sb = new StringBuilder("{\"version\":1,\"policies\":[");
    for (int i = 0; i < rules.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(rules.get(i).json());
    }
    return sb.append("]}").toString();
  }

  static PolicySet compile(List<R> rules) {
    return PolicySet.parse(doc(rules));
  }

  // ---------------------------------------------------------------- the reference evaluator

  static boolean globMatches(String glob, String s) {
    return GlobOracle.compile(glob).matcher(s).matches();
  }

  static boolean applies(R r, Req q) {
    if (r.expires() != null && r.expires() <= NOW) {
      return false;
    }
    if (r.tools().stream().noneMatch(g -> globMatches(g, q.tool()))) {
      return false;
    }
    return r.agents() == null || r.agents().stream().anyMatch(g -> globMatches(g, q.agent()));
  }

  static int cond(R r, Req q) {
    return r.when() == null ? T : r.when().eval().applyAsInt(q);
  }

  /** Returns {allowed, code, policies, number of permit error reasons}. */
  static List<Object> reference(List<R> rules, Req q) {
    String forbid = null;
    int forbidValue = F;
    String permit = null;
    TreeSet<String> permitErrors = new TreeSet<>();
    for (R r : rules) {
      if (!applies(r, q)) {
        continue;
      }
      int v = cond(r, q);
      if (r.forbid()) {
        if (v != F && (forbid == null || r.id().compareTo(forbid) < 0)) {
          forbid = r.id();
          forbidValue = v;
        }
      } else if (v == T) {
        if (permit == null || r.id().compareTo(permit) < 0) {
          permit = r.id();
        }
      } else if (v == E) {
        permitErrors.add(r.id());
      }
    }
    if (forbid != null) {
      return List.of(false, forbidValue == E ? DenyCode.EVALUATION_ERROR : DenyCode.FORBIDDEN, List.of(forbid), 0);
    }
    if (permit != null) {
      return List.of(true, "ALLOW", List.of(permit), 0);
    }
    return List.of(false, DenyCode.NO_MATCHING_PERMIT, List.of(), permitErrors.size());
  }

  static List<Object> summary(Decision d) {
    return List.of(d.allowed(), d.allowed() ? "ALLOW" : d.code(), d.policies(),
        d.code() == DenyCode.NO_MATCHING_PERMIT ? d.reasons().size() - 1 : 0);
  }

  static Decision run(PolicySet set, Req q) {
    return set.evaluate(AgentIdentity.of(q.agent()), q.toRequest(), null, NOW);
  }

  // ---------------------------------------------------------------- generators

  static int and(int a, int b) {
    return a == F || b == F ? F : a == E || b == E ? E : T;
  }

  static int or(int a, int b) {
    return a == T || b == T ? T : a == E || b == E ? E : F;
  }

  static int not(int a) {
    return a == E ? E : 1 - a;
  }

  static int bool(boolean b) {
    return b ? T : F;
  }

  /**
   * The reference's number rule: a finite long or double is a number; anything else (missing, a
   * string, NaN, an infinity) makes the comparison an error.
   */
  static Double finite(Object n) {
    if (n instanceof Long) {
      return ((Long) n).doubleValue(); // the generator's longs are small, so this is exact
    }
    if (n instanceof Double && Double.isFinite((Double) n)) {
      return (Double) n;
    }
    return null;
  }

  static int num(Req q, java.util.function.DoublePredicate p) {
    Double d = finite(q.n());
    return d == null ? E : bool(p.test(d));
  }

  /** {@code resource.n} against the string {@code 'x'}: {@code same} when it is "x", {@code other} for another string, else an error. */
  static int strX(Req q, int same, int other) {
    return q.n() instanceof String ? ("x".equals(q.n()) ? same : other) : E;
  }

  static Arbitrary<C> atoms() {
    return Arbitraries.of(
        new C("true", q -> T),
        new C("false", q -> F),
        new C("resource.n == 1", q -> num(q, d -> d == 1)),
        new C("resource.n == 2.0", q -> num(q, d -> d == 2)),
        new C("resource.n < 2", q -> num(q, d -> d < 2)),
        new C("resource.n > 1000", q -> num(q, d -> d > 1000)),
        new C("resource.n in [0, 2.0]", q -> num(q, d -> d == 0 || d == 2)),
        new C("resource.s == 'v'", q -> q.s() == null ? E : bool(q.s().equals("v"))),
        new C("resource.s in ['v', 'w']", q -> q.s() == null ? E : bool(q.s().equals("v") || q.s().equals("w"))),
        new C("context.e == 'prod'", q -> q.e() == null ? E : bool(q.e().equals("prod"))),
        new C("resource.missing == 1", q -> E),
        new C("tool.risk >= 'high'", q -> bool(q.risk().ordinal() >= 2)),
        new C("resource.sensitivity <= 'internal'", q -> bool(q.sens().ordinal() <= 1)),
        // a literal compared with a value of another type (numbers, NaN, a missing value) takes the
        // general path of the literal-specialised nodes: an error, never a quiet false
        new C("resource.n == 'x'", q -> strX(q, T, F)),
        new C("resource.n != 'x'", q -> strX(q, F, T)),
        new C("resource.n in ['z', 'x']", q -> strX(q, T, F)),
        // the length-first scan of a short string list (docs/security-cases.md #103): elements of one
        // length that differ, a value that is an element plus an invisible character, a huge value
        new C("resource.s in ['vw', 'wv', 'v']", q -> q.s() == null ? E : bool(List.of("vw", "wv", "v").contains(q.s()))),
        new C("!(resource.s in ['uu', 'w', 'vv'])", q -> q.s() == null ? E : bool(!List.of("uu", "w", "vv").contains(q.s()))),
        new C("resource.sensitivity == 'internal'", q -> bool(q.sens() == Sensitivity.INTERNAL)),
        new C("tool.risk != 'low'", q -> bool(q.risk() != Risk.LOW)),
        new C("tool.name.matches('a.*')", q -> bool(q.tool().startsWith("a."))),
        new C("agent.id.startsWith('ag')", q -> bool(q.agent().startsWith("ag"))));
  }

  static Arbitrary<C> conds() {
    return Arbitraries.recursive(PolicyPropertiesTest::atoms, inner -> Arbitraries.oneOf(
        inner.map(c -> new C("!(" + c.text() + ")", q -> not(c.eval().applyAsInt(q)))),
        Combinators.combine(inner, inner).as((a, b) ->
            new C("(" + a.text() + ") && (" + b.text() + ")", q -> and(a.eval().applyAsInt(q), b.eval().applyAsInt(q)))),
        Combinators.combine(inner, inner).as((a, b) ->
            new C("(" + a.text() + ") || " + b.text(), q -> or(a.eval().applyAsInt(q), b.eval().applyAsInt(q))))),
        0, 3);
  }

  static Arbitrary<R> rules() {
    Arbitrary<List<String>> tools = Arbitraries.of("a.x", "a.y", "b.x", "a.*", "**", "*.x", "b.*").list().ofMinSize(1).ofMaxSize(2);
    Arbitrary<List<String>> agents = Arbitraries.of("ag1", "ag2", "bot-*", "ag*", "**").list().ofMinSize(1).ofMaxSize(2)
        .injectNull(0.4);
    Arbitrary<C> when = conds().injectNull(0.2);
    Arbitrary<Long> expires = Arbitraries.of(NOW - 1, NOW, NOW + 1).injectNull(0.8);
    return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.of(true, false), tools, agents, when, expires)
        .as((n, forbid, t, a, w, x) -> new R("r" + n, forbid && n % 3 == 0, t, a, w, x));
  }

  @Provide("rules")
  Arbitrary<R> oneRule() {
    return rules();
  }

  @Provide
  Arbitrary<List<R>> policies() {
    return rules().list().ofMaxSize(8).uniqueElements(R::id);
  }

  @Provide
  Arbitrary<Req> requests() {
    return Combinators.combine(Arbitraries.of(TOOLS), Arbitraries.of(AGENTS),
        Arbitraries.of((Object) 0L, 1L, 2L, "x", "y", 2.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY).injectNull(0.2),
        Arbitraries.of("v", "w", "u", "vw", "wv", "vv", "v\u200b", "\u200bv", "", "V", LONG_S).injectNull(0.2),
        Arbitraries.of("prod", "dev").injectNull(0.3),
        Arbitraries.of(Risk.class), Arbitraries.of(Sensitivity.class)).as(Req::new);
  }

  // ---------------------------------------------------------------- properties

  @Property(tries = 400)
  void engineAgreesWithNaiveReference(@ForAll("policies") List<R> rules, @ForAll("requests") Req q) {
    assertEquals(reference(rules, q), summary(run(compile(rules), q)), () -> doc(rules) + "\n" + q);
  }

  @Property(tries = 600, edgeCases = EdgeCasesMode.NONE)
  void engineAgreesWithNaiveReferenceOnRandomCasesOnly(@ForAll("policies") List<R> rules, @ForAll("requests") Req q) {
    assertEquals(reference(rules, q), summary(run(compile(rules), q)), () -> doc(rules) + "\n" + q);
  }

  @Property(tries = 400)
  void explainDecidesLikeEvaluateAndReportsEachRulesValue(@ForAll("policies") List<R> rules, @ForAll("requests") Req q) {
    PolicySet set = compile(rules);
    dev.agentguard.core.Explanation x = set.explain(AgentIdentity.of(q.agent()), q.toRequest(), null, NOW);
    assertEquals(run(set, q), x.decision(), () -> doc(rules) + "\n" + q);
    List<R> selected = rules.stream()
        .filter(r -> r.tools().stream().anyMatch(g -> globMatches(g, q.tool()))
            && (r.agents() == null || r.agents().stream().anyMatch(g -> globMatches(g, q.agent()))))
        .sorted(java.util.Comparator.comparing(R::id)).toList();
    assertEquals(selected.stream().map(R::id).toList(), x.rules().stream().map(dev.agentguard.core.Explanation.Rule::id).toList());
    for (int i = 0; i < selected.size(); i++) {
      int expected = cond(selected.get(i), q);
      assertEquals(List.of("FALSE", "TRUE", "ERROR").get(expected), x.rules().get(i).outcome().name(),
          () -> doc(rules) + "\n" + q);
    }
  }

  @Property(tries = 200)
  void defaultDenyAndOnlyPermitsAllow(@ForAll("policies") List<R> rules, @ForAll("requests") Req q) {
    List<R> forbidsOnly = rules.stream().filter(R::forbid).toList();
    assertFalse(run(compile(forbidsOnly), q).allowed());
    Decision d = run(compile(rules), q);
    if (d.allowed()) {
      // allow iff a permit matches and no forbid matches or errors
      assertTrue(rules.stream().anyMatch(r -> !r.forbid() && applies(r, q) && cond(r, q) == T));
      assertTrue(rules.stream().noneMatch(r -> r.forbid() && applies(r, q) && cond(r, q) != F));
    }
  }

  @Property(tries = 200)
  void independentOfRuleOrderAndDuplicates(@ForAll("policies") List<R> rules, @ForAll("requests") Req q,
      @ForAll long seed) {
    Decision d = run(compile(rules), q);
    List<R> shuffled = new ArrayList<>(rules);
    Collections.shuffle(shuffled, new Random(seed));
    assertEquals(d, run(compile(shuffled), q));
    List<R> dup = new ArrayList<>(shuffled);
    for (R r : rules) {
      dup.add(r.withId(r.id() + "-copy"));
    }
    Collections.shuffle(dup, new Random(seed + 1));
    Decision dd = run(compile(dup), q);
    assertEquals(d.allowed(), dd.allowed());
    assertEquals(d.code(), dd.code());
    assertEquals(d.policies(), dd.policies()); // "rX" < "rX-copy", so the original still reports
  }

  @Property(tries = 200)
  void addingAPermitNeverTurnsAllowIntoDeny(@ForAll("policies") List<R> rules, @ForAll("requests") Req q,
      @ForAll("policies") List<R> extra) {
    List<R> more = new ArrayList<>(rules);
    extra.stream().filter(r -> !r.forbid()).forEach(r -> more.add(r.withId("x" + r.id())));
    if (run(compile(rules), q).allowed()) {
      assertTrue(run(compile(more), q).allowed());
    }
  }

  @Property(tries = 200)
  void addingAForbidNeverTurnsDenyIntoAllow(@ForAll("policies") List<R> rules, @ForAll("requests") Req q,
      @ForAll("rules") R extra) {
    List<R> more = new ArrayList<>(rules);
    more.add(new R("x" + extra.id(), true, extra.tools(), extra.agents(), extra.when(), extra.expires()));
    if (!run(compile(rules), q).allowed()) {
      assertFalse(run(compile(more), q).allowed());
    }
  }

  @Property(tries = 200)
  void injectingAnErrorNeverTurnsDenyIntoAllow(@ForAll("policies") List<R> rules, @ForAll("requests") Req q,
      @ForAll int which) {
    if (rules.isEmpty()) {
      return;
    }
    int i = Math.floorMod(which, rules.size());
    R r = rules.get(i);
    C base = r.when() == null ? new C("true", x -> T) : r.when();
    C injected = r.forbid()
        ? new C("(" + base.text() + ") || resource.missing == 1", x -> or(base.eval().applyAsInt(x), E))
        : new C("(" + base.text() + ") && resource.missing == 1", x -> and(base.eval().applyAsInt(x), E));
    List<R> changed = new ArrayList<>(rules);
    changed.set(i, r.withWhen(injected));
    if (!run(compile(rules), q).allowed()) {
      assertFalse(run(compile(changed), q).allowed());
    }
    assertEquals(reference(changed, q), summary(run(compile(changed), q)));
  }

  @Property(tries = 150)
  void printThenParseEvaluatesIdentically(@ForAll("policies") List<R> rules, @ForAll("requests") Req q) {
    PolicySet set = compile(rules);
    PolicySet again = PolicySet.parse(set.canonicalDocument());
    assertEquals(set.version(), again.version());
    assertEquals(run(set, q), run(again, q));
  }

  @Property(tries = 150)
  void yamlAndJsonFormsAgree(@ForAll("policies") List<R> rules, @ForAll("requests") Req q) {
    PolicySet json = compile(rules);
    PolicySet yaml = PolicySet.parse("# the same document read as YAML flow style\n" + doc(rules));
    assertEquals(json.version(), yaml.version());
    assertEquals(run(json, q), run(yaml, q));
  }

  /** The test-only regex oracle for globs. */
  static final class GlobOracle {
    static Pattern compile(String glob) {
      StringBuilder sb = new StringBuilder();
      int i = 0;
      while (i < glob.length()) {
        char c = glob.charAt(i);
        if (c == '*') {
          boolean dbl = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
          sb.append(dbl ? ".*" : "[^./]*");
          i += dbl ? 2 : 1;
        } else {
          sb.append(Pattern.quote(String.valueOf(c)));
          i++;
        }
      }
      return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }
  }
}
