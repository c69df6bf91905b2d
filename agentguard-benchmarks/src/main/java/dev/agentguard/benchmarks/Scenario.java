package dev.agentguard.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The one authorization scenario that every engine in this module is measured on, generated
 * deterministically from a fixed seed.
 *
 * <p>For {@code N} rules: 16 tools ({@link #TOOLS}); {@code N} permit rules spread round-robin over
 * {@code max(1, N/2)} agents, each granting one agent three distinct tools when
 * {@code resource.sensitivity <= X && context.environment == E}; and one forbid: tool
 * {@code http.post} when the destination host is not one of the four hosts in {@link #ALLOWLIST}.
 *
 * <p>Three fixed requests are made by the {@link #chosenAgent() chosen agent} in {@code prod}:
 * {@link #allow()} (http.post, internal data, an allowlisted host), {@link #denyForbid()} (the same
 * towards a host outside the allowlist) and {@link #denyNoMatch()} (tickets.read on restricted data).
 * Generation guarantees, at every {@code N}, that the chosen agent holds a permit for http.post in
 * prod with {@code X >= internal} and holds no permit that reaches restricted data for tickets.read.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Scenario {

  /** The seed every scenario is generated from. */
  public static final long SEED = 0x5EED_A6E7L;

  /** The 16 tools of the scenario. */
  public static final List<String> TOOLS =
      List.of(
          "tickets.read", "tickets.write", "tickets.close", "http.get", "http.post", "files.read",
          "files.write", "db.query", "db.write", "email.send", "calendar.read", "calendar.write",
          "search.web", "code.exec", "slack.post", "crm.read");

  /** The four destination hosts http.post may reach. */
  public static final List<String> ALLOWLIST =
      List.of("api.partner-a.example", "hooks.partner-b.example", "ingest.partner-c.example",
          "status.partner-d.example");

  /** Hosts outside the allowlist, used by the random requests. */
  public static final List<String> OTHER_HOSTS = List.of("evil.example", "paste.bin.example");

  /** Sensitivity wire names by rank: public(0) &lt; internal(1) &lt; confidential(2) &lt; restricted(3). */
  public static final List<String> SENSITIVITIES =
      List.of("public", "internal", "confidential", "restricted");

  /** The environments rules and requests use. */
  public static final List<String> ENVIRONMENTS = List.of("prod", "staging", "dev");

  /** Id of the single forbid rule. */
  public static final String FORBID_ID = "forbid-http-post-unlisted-host";

  /** The forbidden tool. */
  public static final String FORBIDDEN_TOOL = "http.post";

  /**
   * One permit rule.
   *
   * @param id unique rule id
   * @param agent the agent id the rule grants
   * @param tools the three tools granted
   * @param maxSensitivity rank of the highest sensitivity granted ({@code resource.sensitivity <= X})
   * @param environment the environment the grant holds in
   */
  public record Rule(String id, String agent, List<String> tools, int maxSensitivity,
      String environment) {
    /** Validates and freezes the rule. */
    public Rule {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(agent, "agent");
      tools = List.copyOf(tools);
      Objects.requireNonNull(environment, "environment");
    }

    /** The wire name of {@link #maxSensitivity()}. */
    public String maxSensitivityName() {
      return SENSITIVITIES.get(maxSensitivity);
    }
  }

  /**
   * One request, as engine-neutral data.
   *
   * @param name a label (allow, deny_forbid, deny_nomatch, random-17 ...)
   * @param agent the calling agent id
   * @param tool the tool called
   * @param sensitivity rank of {@code resource.sensitivity}
   * @param environment {@code context.environment}
   * @param host {@code destination.host}
   */
  public record Request(String name, String agent, String tool, int sensitivity,
      String environment, String host) {
    /** The wire name of {@link #sensitivity()}. */
    public String sensitivityName() {
      return SENSITIVITIES.get(sensitivity);
    }
  }

  private final int size;
  private final List<String> agents;
  private final List<Rule> rules;

  private Scenario(int size, List<String> agents, List<Rule> rules) {
    this.size = size;
    this.agents = List.copyOf(agents);
    this.rules = List.copyOf(rules);
  }

  /**
   * Generates the scenario with {@code n} permit rules from {@link #SEED}.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static Scenario generate(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
    SplittableRandom random = new SplittableRandom(SEED);
    int agentCount = Math.max(1, n / 2);
    List<String> agents = new ArrayList<>(agentCount);
    for (int i = 0; i < agentCount; i++) {
      agents.add(agentId(i));
    }
    List<Rule> rules = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String agent = agents.get(i % agentCount);
      List<String> tools = threeTools(random);
      int x = random.nextInt(SENSITIVITIES.size());
      String env = ENVIRONMENTS.get(random.nextInt(ENVIRONMENTS.size()));
      if (i == 0) {
        // the chosen agent's own grant for the allow request: http.post, X in {internal,
        // confidential}, prod
        if (!tools.contains(FORBIDDEN_TOOL)) {
          tools.set(random.nextInt(3), FORBIDDEN_TOOL);
        }
        x = 1 + random.nextInt(2);
        env = "prod";
      }
      if (agent.equals(agents.get(0)) && tools.contains("tickets.read") && x == 3) {
        x = 2; // keeps deny_nomatch a no-match: the chosen agent never reads restricted tickets
      }
      rules.add(new Rule(String.format("permit-%05d", i), agent, tools, x, env));
    }
    return new Scenario(n, agents, rules);
  }

  private static List<String> threeTools(SplittableRandom random) {
    List<String> tools = new ArrayList<>(3);
    while (tools.size() < 3) {
      String t = TOOLS.get(random.nextInt(TOOLS.size()));
      if (!tools.contains(t)) {
        tools.add(t);
      }
    }
    return tools;
  }

  /** The agent id for agent number {@code i}. */
  public static String agentId(int i) {
    return String.format("agent-%05d", i);
  }

  /** The number of permit rules. */
  public int size() {
    return size;
  }

  /** Agent ids, in order. */
  public List<String> agents() {
    return agents;
  }

  /** Permit rules, in id order. */
  public List<Rule> rules() {
    return rules;
  }

  /** The agent the three fixed requests come from. */
  public String chosenAgent() {
    return agents.get(0);
  }

  /** http.post, internal data, prod, an allowlisted host: allowed. */
  public Request allow() {
    return new Request("allow", chosenAgent(), FORBIDDEN_TOOL, 1, "prod", ALLOWLIST.get(1));
  }

  /** As {@link #allow()} towards a host outside the allowlist: denied by the forbid. */
  public Request denyForbid() {
    return new Request("deny_forbid", chosenAgent(), FORBIDDEN_TOOL, 1, "prod",
        OTHER_HOSTS.get(0));
  }

  /** tickets.read on restricted data in prod: no permit matches. */
  public Request denyNoMatch() {
    return new Request("deny_nomatch", chosenAgent(), "tickets.read", 3, "prod",
        ALLOWLIST.get(0));
  }

  /**
   * {@code count} requests of the same kind as {@code r} whose values differ from call to call: each
   * carries every string of {@code r} as a fresh {@code String} instance (equal, never identical to
   * {@code r}'s, to the policy's or to another variant's, as strings parsed from a tool call are),
   * and the destination host cycles through the hosts of {@code r}'s kind ({@link #ALLOWLIST} when
   * {@code r}'s host is listed, else {@link #OTHER_HOSTS}). The reference decides every variant as it
   * decides {@code r} (benchmarks check that before timing).
   *
   * @throws IllegalArgumentException if {@code count < 1}
   * @since 0.2.0
   */
  public static List<Request> variants(Request r, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count);
    }
    List<String> hosts = ALLOWLIST.contains(r.host()) ? ALLOWLIST : OTHER_HOSTS;
    int first = Math.max(0, hosts.indexOf(r.host()));
    List<Request> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String host = hosts.get((first + i) % hosts.size());
      out.add(new Request(fresh(r.name()), fresh(r.agent()), fresh(r.tool()), r.sensitivity(),
          fresh(r.environment()), fresh(host)));
    }
    return Collections.unmodifiableList(out);
  }

  @SuppressWarnings("StringOperationCanBeSimplified") // a new instance is the point
  private static String fresh(String s) {
    return new String(s.toCharArray());
  }

  /** The three fixed requests: allow, deny_forbid, deny_nomatch. */
  public List<Request> fixedRequests() {
    return List.of(allow(), denyForbid(), denyNoMatch());
  }

  /**
   * {@code count} random requests from a seed of their own: mostly known agents (with some unknown
   * ones), any tool, sensitivity, environment and host; about half of them target an agent's own
   * granted tools so that allows are common, not rare.
   */
  public List<Request> randomRequests(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> hosts = new ArrayList<>(ALLOWLIST);
    hosts.addAll(OTHER_HOSTS);
    List<Request> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String agent;
      String tool;
      String env;
      if (random.nextBoolean()) {
        Rule r = rules.get(random.nextInt(rules.size()));
        agent = r.agent();
        tool = r.tools().get(random.nextInt(3));
        env = random.nextInt(4) == 0 ? ENVIRONMENTS.get(random.nextInt(3)) : r.environment();
      } else {
        agent = random.nextInt(10) == 0 ? "agent-unknown" : agents.get(random.nextInt(agents.size()));
        tool = TOOLS.get(random.nextInt(TOOLS.size()));
        env = ENVIRONMENTS.get(random.nextInt(ENVIRONMENTS.size()));
      }
      int sensitivity = random.nextInt(SENSITIVITIES.size());
      String host = hosts.get(random.nextInt(hosts.size()));
      out.add(new Request("random-" + i, agent, tool, sensitivity, env, host));
    }
    return Collections.unmodifiableList(out);
  }
}
