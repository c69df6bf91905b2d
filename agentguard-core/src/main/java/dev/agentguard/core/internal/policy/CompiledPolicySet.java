package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.PolicyException;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.Explanation;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicyRule;
import dev.agentguard.core.PolicySet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled, indexed policy engine behind {@link PolicySet}.
 *
 * <p>Index: rules are looked up by tool name (an exact-name map plus the rules with wildcard tool
 * patterns; the merged candidates per tool name are cached in a bounded concurrent map), then by
 * agent id (an exact-id map per tool plus the rules for any agent and the rules with wildcard agent
 * patterns). Within each group rules are sorted by id, forbids apart from permits, so the first
 * qualifying rule of a group is the one with the smallest id and scanning stops there. A tool
 * without wildcard-agent rules and with few any-agent rules keeps, per exact agent id, one merged
 * list of forbids and one of permits ({@link ToolCandidates#planned}), so a decision is two map
 * lookups and two short scans. Decisions for each rule and for "no permit" are built once; the
 * clock is read only when a candidate rule may need it.
 *
 * <p>Immutable after construction (caches are concurrent and bounded); thread-safe.
 *
 * @since 0.1.0
 */
public final class CompiledPolicySet implements PolicySet {
  /** Most tool names whose candidate lists are cached; beyond that candidates are computed per call. */
  public static final int MAX_CACHED_TOOLS = 4096;
  /** Most (tool, agent id) pairs, over all tools, whose wildcard-agent rule lists are cached. */
  public static final int MAX_CACHED_AGENT_ENTRIES = 65_536;
  /** Most agent ids per tool whose agent-dependent limit lists are cached. */
  public static final int MAX_CACHED_AGENTS_PER_TOOL = 4096;

  private static final CompiledRule[] NONE = ToolCandidates.NONE;

  private final String source;
  private final String version;
  /** The rules in document order; {@link #ruleIds()}, {@link #rules()} and the canonical form are views of it. */
  private final List<Rule> documentRules;
  private final List<String> ruleIds;
  private final List<PolicyRule> ruleViews;
  private final List<CompiledRule> byId;
  private final Map<String, CompiledRule[]> byExactTool;
  private final CompiledRule[] globToolEntries;
  private final List<Limit> limits;
  private final LimitIndex limitIndex;
  private final Decision noMatch;
  private final ModalRules modal; // shadow rules and approval permits, decided apart (rollout)
  private final ConcurrentHashMap<String, ToolCandidates> toolCache = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger cachedAgentEntries = new java.util.concurrent.atomic.AtomicInteger();

  private CompiledPolicySet(DocumentReader.Parsed parsed, String source) {
    this.source = source;
    this.version = parsed.version;
    this.documentRules = parsed.rules;
    Map<String, List<CompiledRule>> exactTool = new HashMap<>();
    List<CompiledRule> globTool = new ArrayList<>();
    List<CompiledRule> all = new ArrayList<>(parsed.rules.size());
    List<CompiledRule> modalRules = new ArrayList<>();
    for (Rule r : parsed.rules) {
      CompiledRule e = new CompiledRule(r, version);
      all.add(e);
      if (ModalRules.separate(r)) {
        modalRules.add(e);
        continue;
      }
      boolean glob = false;
      Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < r.tools.globs.length; i++) {
        if (r.tools.globs[i].isLiteral()) {
          if (seen.add(r.tools.get(i))) {
            exactTool.computeIfAbsent(r.tools.get(i), k -> new ArrayList<>()).add(e);
          }
        } else {
          glob = true;
        }
      }
      if (glob) {
        globTool.add(e);
      }
    }
    Map<String, CompiledRule[]> exactArrays = new HashMap<>();
    exactTool.forEach((tool, list) -> exactArrays.put(tool, list.toArray(NONE)));
    this.byExactTool = exactArrays;
    this.globToolEntries = globTool.toArray(NONE);
    this.ruleIds = new RuleList<>(documentRules, r -> r.id);
    this.ruleViews = new RuleList<>(documentRules, RuleView::of);
    all.sort(Comparator.comparing(e -> e.id));
    this.byId = List.copyOf(all);
    this.limits = parsed.limits;
    this.limitIndex = new LimitIndex(parsed.limits);
    this.noMatch = Decision.deny(DenyCode.NO_MATCHING_PERMIT, List.of("no permit rule matched"), List.of(), version);
    this.modal = new ModalRules(modalRules);
  }

  /**
   * Parses and compiles a document.
   *
   * @throws PolicyException when the document is invalid
   */
  public static PolicySet parse(String text, String source) {
    Objects.requireNonNull(source, "source");
    return new CompiledPolicySet(DocumentReader.read(text, source), source);
  }

  /**
   * Reads a file (UTF-8) and compiles it.
   *
   * @throws PolicyException when the file cannot be read or is invalid
   */
  public static PolicySet load(Path file) {
    Objects.requireNonNull(file, "file");
    String name = file.toString();
    return parse(DocumentReader.readFile(file, name), name);
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public List<String> ruleIds() {
    return ruleIds;
  }

  @Override
  public List<PolicyRule> rules() {
    return ruleViews;
  }

  @Override
  public Explanation explain(AgentIdentity agent, ToolRequest request, TaskState task, long now) {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(request, "request");
    return PolicyExplainer.explain(byId, version, agent, request, task, now);
  }

  @Override
  public String canonicalDocument() {
    // printed again from the rules on each call rather than kept: the text is as large as the
    // document, and only tools (the CLI) read it; the version was hashed from the same printing
    return CanonicalForm.of(documentRules, limits);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the clock only when a rule that can select the call may need the time (an expiry, or
   * a condition on {@code time.*} or {@code task.ageSeconds}): reading it costs more than deciding.
   */
  @Override
  public Decision evaluate(AgentIdentity agent, ToolRequest request) {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(request, "request");
    ToolCandidates c = candidates(request.tool());
    // no rule reads the time when neither flag is set, so any value decides the same
    long now = c.readsClock || modal.readsClock() ? System.currentTimeMillis() : 0L;
    return modal.apply(evaluateIndexed(c, agent, request, null, now), agent, request, null, now);
  }

  @Override
  public Decision evaluate(AgentIdentity agent, ToolRequest request, TaskState task, long now) {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(request, "request");
    ToolCandidates c = candidates(request.tool());
    return modal.apply(evaluateIndexed(c, agent, request, task, now), agent, request, task, now);
  }

  /**
   * The results of this set's {@code mode: shadow} rules for a call ({@code <id>=match|no-match|error});
   * empty when the set has none or none selects the call. Never changes a decision; never throws
   * for a rule that cannot be evaluated.
   *
   * @since 0.2.0
   */
  public List<String> shadowResults(AgentIdentity agent, ToolRequest request, TaskState task, long now) {
    return modal.shadowResults(agent, request, task, now);
  }

  /** Whether this set has {@code mode: shadow} rules. */
  public boolean hasShadowRules() {
    return modal.hasShadowRules();
  }

  /**
   * The decision of the indexed rules (every rule but shadow rules and approval permits). The
   * {@link ToolCandidates#planned} case, the common one, is kept small enough to inline into
   * {@link #evaluate}; the general one is {@link #evaluateUnplanned}.
   */
  private Decision evaluateIndexed(ToolCandidates c, AgentIdentity agent, ToolRequest request, TaskState task,
      long now) {
    CompiledRule[][] ex = c.exact.isEmpty() ? null : c.exact.get(agent.id());
    if (!c.planned) {
      return evaluateUnplanned(c, ex, agent, request, task, now);
    }
    return ex == null ? decide(c.anyForbid, c.anyPermit, agent, request, task, now)
        : decide(ex[0], ex[1], agent, request, task, now);
  }

  /** {@link #evaluateIndexed} for a tool whose candidates are not planned; {@code ex} as looked up there. */
  private Decision evaluateUnplanned(ToolCandidates c, CompiledRule[][] ex, AgentIdentity agent, ToolRequest request,
      TaskState task, long now) {
    String aid = agent.id();
    CompiledRule[] gf = c.globForbid;
    CompiledRule[] gp = c.globPermit;
    boolean checkGlob = true;
    if (gf.length + gp.length > 0) {
      CompiledRule[][] g = globFor(c, aid);
      if (g != null) {
        gf = g[0];
        gp = g[1];
        checkGlob = false;
      }
    }

    // forbids first: the smallest qualifying id wins; a forbid that errors qualifies
    CompiledRule bestF = null;
    boolean bestFErr = false;
    int f = firstForbid(c.anyForbid, false, agent, request, task, now);
    if (f >= 0) {
      bestF = c.anyForbid[f >> 1];
      bestFErr = (f & 1) != 0;
    }
    if (ex != null) {
      f = firstForbid(ex[0], false, agent, request, task, now);
      if (f >= 0 && (bestF == null || ex[0][f >> 1].id.compareTo(bestF.id) < 0)) {
        bestF = ex[0][f >> 1];
        bestFErr = (f & 1) != 0;
      }
    }
    f = firstForbid(gf, checkGlob, agent, request, task, now);
    if (f >= 0 && (bestF == null || gf[f >> 1].id.compareTo(bestF.id) < 0)) {
      bestF = gf[f >> 1];
      bestFErr = (f & 1) != 0;
    }
    if (bestF != null) {
      return bestFErr ? forbidError(bestF, agent, request, task, now) : bestF.decision;
    }

    // permits
    CompiledRule bestP = null;
    boolean anyErr = false;
    int p = firstPermit(c.anyPermit, false, agent, request, task, now);
    if (p >= 0) {
      bestP = c.anyPermit[p];
    } else if (p == -2) {
      anyErr = true;
    }
    if (ex != null) {
      p = firstPermit(ex[1], false, agent, request, task, now);
      if (p >= 0) {
        if (bestP == null || ex[1][p].id.compareTo(bestP.id) < 0) {
          bestP = ex[1][p];
        }
      } else if (p == -2) {
        anyErr = true;
      }
    }
    p = firstPermit(gp, checkGlob, agent, request, task, now);
    if (p >= 0) {
      if (bestP == null || gp[p].id.compareTo(bestP.id) < 0) {
        bestP = gp[p];
      }
    } else if (p == -2) {
      anyErr = true;
    }
    if (bestP != null) {
      return bestP.decision;
    }
    if (!anyErr) {
      return noMatch;
    }
    return noPermitWithErrors(c, ex, agent, request, task, now);
  }

  /**
   * The decision over every rule that can select the call, forbids and permits each in id order
   * (a {@link ToolCandidates#planned} tool): the first qualifying forbid, else the first true
   * permit, else no match with the errors of the permits that could not be evaluated.
   */
  private Decision decide(CompiledRule[] forbids, CompiledRule[] permits, AgentIdentity a, ToolRequest r,
      TaskState t, long now) {
    int f = firstForbid(forbids, false, a, r, t, now);
    if (f >= 0) {
      CompiledRule e = forbids[f >> 1];
      return (f & 1) != 0 ? forbidError(e, a, r, t, now) : e.decision;
    }
    int p = firstPermit(permits, false, a, r, t, now);
    if (p >= 0) {
      return permits[p].decision;
    }
    if (p == -1) {
      return noMatch;
    }
    TreeMap<String, String> errors = new TreeMap<>();
    collectErrors(permits, false, errors, a, r, t, now);
    return CompiledRule.noPermit(new ArrayList<>(errors.values()), version);
  }

  /**
   * The wildcard-agent rules of a tool that match an agent id, cached per agent while the global
   * bound allows; null when over the bound (the caller then checks the agent globs per rule).
   */
  private CompiledRule[][] globFor(ToolCandidates c, String aid) {
    CompiledRule[][] g = c.globByAgent.get(aid);
    if (g != null || cachedAgentEntries.get() >= MAX_CACHED_AGENT_ENTRIES) {
      return g;
    }
    g = new CompiledRule[][] {filterAgent(c.globForbid, aid), filterAgent(c.globPermit, aid)};
    if (c.globByAgent.putIfAbsent(aid, g) == null) {
      cachedAgentEntries.incrementAndGet();
    }
    return g;
  }

  private static CompiledRule[] filterAgent(CompiledRule[] es, String aid) {
    List<CompiledRule> out = new ArrayList<>();
    for (CompiledRule e : es) {
      if (e.rule.agentMatches(aid)) {
        out.add(e);
      }
    }
    return out.isEmpty() ? NONE : out.toArray(NONE); // keeps the id order
  }

  /** Index of the first qualifying forbid, shifted left by one, low bit set when it errored; -1 for none. */
  private static int firstForbid(CompiledRule[] es, boolean checkAgent, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    for (int i = 0; i < es.length; i++) {
      CompiledRule e = es[i];
      if (e.expiredAt(now) || (checkAgent && !e.rule.agentMatches(a.id()))) {
        continue;
      }
      int v = e.test(a, r, t, now);
      if (v != Expr.FALSE) {
        return (i << 1) | (v == Expr.ERROR ? 1 : 0);
      }
    }
    return -1;
  }

  /** Index of the first true permit; -1 when none, -2 when none and one errored. */
  private static int firstPermit(CompiledRule[] es, boolean checkAgent, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    boolean err = false;
    for (int i = 0; i < es.length; i++) {
      CompiledRule e = es[i];
      if (e.expiredAt(now) || (checkAgent && !e.rule.agentMatches(a.id()))) {
        continue;
      }
      int v = e.test(a, r, t, now);
      if (v == Expr.TRUE) {
        return i;
      }
      if (v == Expr.ERROR) {
        err = true;
      }
    }
    return err ? -2 : -1;
  }

  private static Decision forbidError(CompiledRule e, AgentIdentity a, ToolRequest r, TaskState t, long now) {
    return e.forbidError(e.why(a, r, t, now));
  }

  private Decision noPermitWithErrors(ToolCandidates c, CompiledRule[][] ex, AgentIdentity a, ToolRequest r, TaskState t,
      long now) {
    TreeMap<String, String> errors = new TreeMap<>();
    collectErrors(c.anyPermit, false, errors, a, r, t, now);
    if (ex != null) {
      collectErrors(ex[1], false, errors, a, r, t, now);
    }
    collectErrors(c.globPermit, true, errors, a, r, t, now);
    return CompiledRule.noPermit(new ArrayList<>(errors.values()), version);
  }

  private static void collectErrors(CompiledRule[] es, boolean checkAgent, Map<String, String> out, AgentIdentity a,
      ToolRequest r, TaskState t, long now) {
    for (CompiledRule e : es) {
      if (e.expiredAt(now) || (checkAgent && !e.rule.agentMatches(a.id()))) {
        continue;
      }
      if (e.test(a, r, t, now) == Expr.ERROR) {
        out.put(e.id, e.permitError(e.why(a, r, t, now)));
      }
    }
  }

  private ToolCandidates candidates(String tool) {
    ToolCandidates c = toolCache.get(tool);
    return c != null ? c : computeCandidates(tool);
  }

  /** The candidates of a tool not in {@link #toolCache}, cached while the cache has room. */
  private ToolCandidates computeCandidates(String tool) {
    ToolCandidates c;
    CompiledRule[] exact = byExactTool.get(tool);
    List<CompiledRule> all = new ArrayList<>(exact == null ? List.of() : java.util.Arrays.asList(exact));
    if (globToolEntries.length > 0) {
      Map<CompiledRule, Boolean> dedupe = new IdentityHashMap<>();
      for (CompiledRule e : all) {
        dedupe.put(e, Boolean.TRUE);
      }
      for (CompiledRule e : globToolEntries) {
        if (!dedupe.containsKey(e) && e.rule.toolMatches(tool)) {
          all.add(e);
          dedupe.put(e, Boolean.TRUE);
        }
      }
    }
    c = new ToolCandidates(all);
    if (toolCache.size() < MAX_CACHED_TOOLS) {
      ToolCandidates prev = toolCache.putIfAbsent(tool, c);
      if (prev != null) {
        c = prev;
      }
    }
    return c;
  }

  @Override
  public List<PolicyLimit> limitsFor(String tool, String agentId) {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(agentId, "agentId");
    return limitIndex.limitsFor(tool, agentId);
  }

  @Override
  public String toString() {
    return "PolicySet{" + source + " " + version + " rules=" + ruleIds.size() + " limits=" + limits.size() + "}";
  }
}
