package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentguard.Decision;
import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * {@code agentguard policy test FILE...}: runs the YAML test cases next to each policy
 * ({@code <name>.tests.yaml} beside {@code <name>.yaml}; see {@link PolicyTestCase} for the format),
 * explains each failure, reports rule coverage (rules that decided at least one case) and fails
 * below {@code --min-coverage}.
 *
 * @since 0.2.0
 */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = {"Run the policy unit tests next to each policy (<name>.tests.yaml beside <name>.yaml):",
        "expected decision, deny code and deciding rules; rule coverage; --min-coverage."})
final class PolicyTestCommand implements Callable<Integer> {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files.")
  List<Path> files;

  @Option(names = "--tests", paramLabel = "FILE", description = "The test file (only with one policy file).")
  Path tests;

  @Option(names = "--min-coverage", paramLabel = "PERCENT", defaultValue = "0",
      description = "Fail when fewer than PERCENT of a policy's rules decided a case (default: ${DEFAULT-VALUE}).")
  double minCoverage;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    if (tests != null && files.size() != 1) {
      throw CliException.usage("--tests takes one policy file, got " + files.size());
    }
    if (minCoverage < 0 || minCoverage > 100 || Double.isNaN(minCoverage)) {
      throw CliException.usage("--min-coverage must be between 0 and 100, got " + minCoverage);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Map<String, Object>> results = new ArrayList<>();
    boolean ok = true;
    for (Path file : files) {
      Map<String, Object> r = run(file, tests != null ? tests : testsFileOf(file), out);
      ok &= Boolean.TRUE.equals(r.get("ok"));
      results.add(r);
    }
    if (json) {
      Json.print(out, Map.of("ok", ok, "policies", results));
    }
    return ok ? Main.OK : Main.BAD;
  }

  /** {@code dir/name.tests.yaml} for {@code dir/name.yaml} (or .yml, .json). */
  static Path testsFileOf(Path policy) {
    String name = policy.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return policy.resolveSibling(base + ".tests.yaml");
  }

  private Map<String, Object> run(Path policyFile, Path testsFile, PrintWriter out) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("policy", policyFile.toString());
    r.put("tests", testsFile.toString());
    PolicySet set;
    try {
      set = PolicyFiles.load(policyFile);
    } catch (PolicyException e) {
      r.put("ok", false);
      r.put("error", e.getMessage());
      if (!json) {
        out.println(e.getMessage());
      }
      return r;
    }
    PolicyFiles.requireFile(testsFile, "policy tests");
    List<PolicyTestCase> cases = cases(testsFile);
    List<Map<String, Object>> failures = new ArrayList<>();
    Set<String> covered = new HashSet<>();
    for (PolicyTestCase c : cases) {
      Decision d = set.evaluate(c.agent(), c.request(), c.task(), c.at().toEpochMilli());
      covered.addAll(d.policies());
      String problem = mismatch(c, d);
      if (problem != null) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("case", c.name());
        f.put("problem", problem);
        f.put("decision", d.allowed() ? "ALLOW" : "DENY");
        f.put("code", d.allowed() ? null : d.code().name());
        f.put("rules", d.policies());
        f.put("reasons", d.reasons());
        failures.add(f);
        if (!json) {
          out.println("FAIL " + testsFile + ": " + Terminal.safe(c.name()) + ": " + problem);
          out.println("     got " + describe(d) + "; reasons: " + Terminal.safe(String.join("; ", d.reasons())));
        }
      }
    }
    List<String> uncovered = new ArrayList<>();
    for (String id : set.ruleIds()) {
      if (!covered.contains(id)) {
        uncovered.add(id);
      }
    }
    int rules = set.ruleIds().size();
    double coverage = rules == 0 ? 100.0 : 100.0 * (rules - uncovered.size()) / rules;
    boolean coverageOk = coverage >= minCoverage;
    r.put("ok", failures.isEmpty() && coverageOk);
    r.put("cases", cases.size());
    r.put("passed", cases.size() - failures.size());
    r.put("failures", failures);
    r.put("coverage", coverage);
    r.put("uncoveredRules", uncovered);
    if (!json) {
      out.println(policyFile + ": " + (cases.size() - failures.size()) + " of " + cases.size() + " case(s) passed; "
          + String.format(java.util.Locale.ROOT, "rule coverage %.1f%% (%d of %d)", coverage, rules - uncovered.size(), rules)
          + (uncovered.isEmpty() ? "" : "; never deciding: " + String.join(", ", uncovered)));
      if (!coverageOk) {
        out.println(policyFile + ": coverage below --min-coverage " + minCoverage + "%");
      }
    }
    return r;
  }

  private static List<PolicyTestCase> cases(Path testsFile) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(testsFile));
    } catch (IOException e) {
      throw CliException.bad(testsFile + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    JsonNode list = root != null && root.isObject() ? root.get("cases") : root;
    if (list == null || !list.isArray()) {
      throw CliException.bad(testsFile + ": expected a list of cases, or a mapping with 'cases:'");
    }
    Instant now = Instant.now();
    List<PolicyTestCase> out = new ArrayList<>();
    int i = 1;
    for (JsonNode n : list) {
      try {
        out.add(PolicyTestCase.parse(n, i++, now));
      } catch (CliException e) {
        throw CliException.bad(testsFile + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** What differs from the expectation, or {@code null} when the case passes. */
  private static String mismatch(PolicyTestCase c, Decision d) {
    if (c.expectAllow() != d.allowed()) {
      return "expected " + (c.expectAllow() ? "ALLOW" : "DENY") + ", got " + (d.allowed() ? "ALLOW" : "DENY");
    }
    if (c.expectCode() != null && c.expectCode() != d.code()) {
      return "expected code " + c.expectCode() + ", got " + d.code();
    }
    if (c.expectRules() != null && !new HashSet<>(c.expectRules()).equals(new HashSet<>(d.policies()))) {
      return "expected deciding rules " + c.expectRules() + ", got " + d.policies();
    }
    return null;
  }

  private static String describe(Decision d) {
    return (d.allowed() ? "ALLOW" : "DENY " + d.code()) + (d.policies().isEmpty() ? "" : " by " + d.policies());
  }
}
