package dev.agentguard.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;

/**
 * The scenario in Spring Security 7: an {@link AuthorizationManager} over a tool call, holding one
 * pre-parsed SpEL expression per rule, the way {@code @PreAuthorize} holds one per method. The
 * expressions are grouped by agent, then tool, and the forbid by tool, so a decision evaluates only the
 * rules that can apply; forbids first (deny-override), then permits until one is true.
 *
 * <p>As Spring Security's expression handlers do, every decision creates a fresh
 * {@link StandardEvaluationContext} over a root object holding the {@link Authentication} and the
 * call. The parser runs in SpEL's {@link SpelCompilerMode#MIXED} mode so hot expressions are
 * compiled to bytecode (Spring's default is interpreted; MIXED is the best reasonable setting).
 *
 * <p>Thread-safe: immutable after construction.
 *
 * @since 0.1.0
 */
public final class SpringSecurityEngine implements Engine {

  /**
   * What an expression sees as {@code #root}: the caller and the call. Public getters so SpEL
   * can compile property access.
   */
  public static final class ToolCallRoot {
    private final Authentication authentication;
    private final ToolCall call;

    ToolCallRoot(Authentication authentication, ToolCall call) {
      this.authentication = authentication;
      this.call = call;
    }

    /** The caller. */
    public Authentication getAuthentication() {
      return authentication;
    }

    /** Tool name. */
    public String getTool() {
      return call.tool;
    }

    /** Rank of the resource's sensitivity. */
    public int getSensitivity() {
      return call.sensitivity;
    }

    /** {@code context.environment}. */
    public String getEnvironment() {
      return call.environment;
    }

    /** {@code destination.host}. */
    public String getHost() {
      return call.host;
    }
  }

  /** The secured object: one tool call. */
  public static final class ToolCall {
    final String tool;
    final int sensitivity;
    final String environment;
    final String host;

    ToolCall(String tool, int sensitivity, String environment, String host) {
      this.tool = tool;
      this.sensitivity = sensitivity;
      this.environment = environment;
      this.host = host;
    }
  }

  /** The manager: deny-override over the expressions that apply to the call. */
  static final class ToolCallAuthorizationManager implements AuthorizationManager<ToolCall> {
    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);
    private static final AuthorizationDecision DENIED = new AuthorizationDecision(false);

    private final Map<String, Map<String, Expression[]>> permitsByAgentAndTool;
    private final Map<String, Expression[]> forbidsByTool;

    ToolCallAuthorizationManager(Map<String, Map<String, Expression[]>> permitsByAgentAndTool,
        Map<String, Expression[]> forbidsByTool) {
      this.permitsByAgentAndTool = permitsByAgentAndTool;
      this.forbidsByTool = forbidsByTool;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
        ToolCall call) {
      Authentication auth = authentication.get();
      EvaluationContext ctx = new StandardEvaluationContext(new ToolCallRoot(auth, call));
      Expression[] forbids = forbidsByTool.get(call.tool);
      if (forbids != null) {
        for (Expression e : forbids) {
          if (Boolean.TRUE.equals(e.getValue(ctx, Boolean.class))) {
            return DENIED;
          }
        }
      }
      Map<String, Expression[]> byTool = permitsByAgentAndTool.get(auth.getName());
      Expression[] permits = byTool == null ? null : byTool.get(call.tool);
      if (permits != null) {
        for (Expression e : permits) {
          if (Boolean.TRUE.equals(e.getValue(ctx, Boolean.class))) {
            return GRANTED;
          }
        }
      }
      return DENIED;
    }
  }

  private final ToolCallAuthorizationManager manager;

  /** Parses one expression per rule of {@code scenario}. */
  public SpringSecurityEngine(Scenario scenario) {
    SpelExpressionParser parser = new SpelExpressionParser(
        new SpelParserConfiguration(SpelCompilerMode.MIXED, getClass().getClassLoader()));
    Map<String, Map<String, List<Expression>>> permits = new HashMap<>();
    for (Scenario.Rule rule : scenario.rules()) {
      Expression e = parser.parseExpression(permitExpression(rule));
      for (String tool : rule.tools()) {
        permits.computeIfAbsent(rule.agent(), k -> new HashMap<>())
            .computeIfAbsent(tool, k -> new ArrayList<>()).add(e);
      }
    }
    Map<String, Expression[]> forbids = Map.of(Scenario.FORBIDDEN_TOOL,
        new Expression[] {parser.parseExpression(forbidExpression())});
    Map<String, Map<String, Expression[]>> permitArrays = new HashMap<>();
    permits.forEach((agent, byTool) -> {
      Map<String, Expression[]> arrays = new HashMap<>();
      byTool.forEach((tool, list) -> arrays.put(tool, list.toArray(new Expression[0])));
      permitArrays.put(agent, arrays);
    });
    this.manager = new ToolCallAuthorizationManager(permitArrays, forbids);
  }

  /** The SpEL of one permit rule (the agent and tools are the index key). */
  public static String permitExpression(Scenario.Rule rule) {
    return "sensitivity <= " + rule.maxSensitivity() + " and environment == '"
        + rule.environment() + "'";
  }

  /** The SpEL of the forbid. */
  public static String forbidExpression() {
    return "!{" + Scenario.ALLOWLIST.stream().map(h -> "'" + h + "'")
        .collect(Collectors.joining(",")) + "}.contains(host)";
  }

  @Override
  public String name() {
    return "spring";
  }

  @Override
  public BooleanSupplier prepare(Scenario.Request r) {
    Authentication auth = UsernamePasswordAuthenticationToken.authenticated(r.agent(), "n/a",
        List.of());
    Supplier<Authentication> supplier = () -> auth;
    ToolCall call = new ToolCall(r.tool(), r.sensitivity(), r.environment(), r.host());
    ToolCallAuthorizationManager m = manager;
    return () -> m.authorize(supplier, call).isGranted();
  }

  @Override
  public BooleanSupplier perCall(Scenario.Request r) {
    ToolCallAuthorizationManager m = manager;
    return () -> {
      Authentication auth = UsernamePasswordAuthenticationToken.authenticated(r.agent(), "n/a",
          List.of());
      ToolCall call = new ToolCall(r.tool(), r.sensitivity(), r.environment(), r.host());
      return m.authorize(() -> auth, call).isGranted();
    };
  }
}
