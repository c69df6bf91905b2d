package dev.agentguard.benchmarks;

import com.googlecode.aviator.runtime.function.FunctionUtils;
import com.googlecode.aviator.runtime.type.AviatorBoolean;
import com.googlecode.aviator.runtime.type.AviatorObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.util.function.CustomFunction;

/**
 * The scenario in jCasbin: an ABAC model with one policy line per rule, three custom matcher
 * functions written in Java ({@code hasTool}, {@code sensLe}, {@code allowlisted}) and the
 * deny-override effect {@code some(where (p.eft == allow)) && !some(where (p.eft == deny))}.
 *
 * <p>jCasbin has no index: {@code enforce} evaluates the matcher against every policy line (an
 * Aviator expression evaluation with a fresh parameter map per line), so its cost grows linearly
 * with N. That is the library's design, not a configuration choice; see the module README.
 *
 * <p>{@link Enforcer#enforce} is safe for concurrent reads; the benchmarks use one thread.
 *
 * @since 0.1.0
 */
public final class JCasbinEngine implements Engine {

  /** The model text; {@code p.tools} is a {@code |}-separated list of the rule's three tools. */
  public static final String MODEL =
      String.join("\n",
          "[request_definition]",
          "r = sub, tool, sens, env, host",
          "",
          "[policy_definition]",
          "p = sub, tools, maxsens, env, eft",
          "",
          "[policy_effect]",
          "e = some(where (p.eft == allow)) && !some(where (p.eft == deny))",
          "",
          "[matchers]",
          "m = (p.eft == \"allow\" && r.sub == p.sub && hasTool(p.tools, r.tool)"
              + " && sensLe(r.sens, p.maxsens) && r.env == p.env)"
              + " || (p.eft == \"deny\" && hasTool(p.tools, r.tool) && !allowlisted(r.host))",
          "");

  private final Enforcer enforcer;

  /** Loads {@code scenario} into a fresh enforcer. */
  public JCasbinEngine(Scenario scenario) {
    Model model = new Model();
    model.loadModelFromText(MODEL);
    Enforcer e = new Enforcer(model);
    e.enableLog(false);
    e.addFunction("hasTool", new HasTool());
    e.addFunction("sensLe", new SensitivityAtMost());
    e.addFunction("allowlisted", new Allowlisted());
    List<List<String>> lines = new ArrayList<>(scenario.size() + 1);
    for (Scenario.Rule rule : scenario.rules()) {
      lines.add(List.of(rule.agent(), String.join("|", rule.tools()), rule.maxSensitivityName(),
          rule.environment(), "allow"));
    }
    lines.add(List.of("*", Scenario.FORBIDDEN_TOOL, "*", "*", "deny"));
    e.addPolicies(lines);
    this.enforcer = e;
  }

  @Override
  public String name() {
    return "jcasbin";
  }

  @Override
  public BooleanSupplier prepare(Scenario.Request r) {
    Object[] args = {r.agent(), r.tool(), r.sensitivityName(), r.environment(), r.host()};
    Enforcer e = enforcer;
    return () -> e.enforce(args);
  }

  @Override
  public BooleanSupplier perCall(Scenario.Request r) {
    Enforcer e = enforcer;
    return () -> e.enforce(r.agent(), r.tool(), r.sensitivityName(), r.environment(), r.host());
  }

  /** True when {@code token} is one of the {@code |}-separated entries of {@code list}. */
  static boolean containsToken(String list, String token) {
    int from = 0;
    int len = token.length();
    while (from <= list.length()) {
      int end = list.indexOf('|', from);
      if (end < 0) {
        end = list.length();
      }
      if (end - from == len && list.regionMatches(from, token, 0, len)) {
        return true;
      }
      from = end + 1;
    }
    return false;
  }

  static int rank(String sensitivity) {
    switch (sensitivity) {
      case "public":
        return 0;
      case "internal":
        return 1;
      case "confidential":
        return 2;
      case "restricted":
        return 3;
      default:
        throw new IllegalArgumentException("unknown sensitivity '" + sensitivity + "'");
    }
  }

  /** {@code hasTool(p.tools, r.tool)}. */
  static final class HasTool extends CustomFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public AviatorObject call(Map<String, Object> env, AviatorObject tools, AviatorObject tool) {
      return AviatorBoolean.valueOf(containsToken(FunctionUtils.getStringValue(tools, env),
          FunctionUtils.getStringValue(tool, env)));
    }

    @Override
    public String getName() {
      return "hasTool";
    }
  }

  /** {@code sensLe(r.sens, p.maxsens)}: rank of the request's sensitivity at most the rule's. */
  static final class SensitivityAtMost extends CustomFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public AviatorObject call(Map<String, Object> env, AviatorObject actual, AviatorObject max) {
      return AviatorBoolean.valueOf(rank(FunctionUtils.getStringValue(actual, env))
          <= rank(FunctionUtils.getStringValue(max, env)));
    }

    @Override
    public String getName() {
      return "sensLe";
    }
  }

  /** {@code allowlisted(r.host)}. */
  static final class Allowlisted extends CustomFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public AviatorObject call(Map<String, Object> env, AviatorObject host) {
      return AviatorBoolean.valueOf(
          Scenario.ALLOWLIST.contains(FunctionUtils.getStringValue(host, env)));
    }

    @Override
    public String getName() {
      return "allowlisted";
    }
  }
}
