package dev.agentguard.benchmarks;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.Context;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.CacheException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The scenario in cedar-java (Cedar's Rust engine behind JNI): one {@code permit} per rule with
 * {@code principal == Agent::"..."}, {@code action in [three Action::"tool"]} and a {@code when}
 * on {@code context.sensitivity} (a rank, Cedar has no ordered enums) and
 * {@code context.environment}; one {@code forbid} on {@code Action::"http.post"} {@code unless} the
 * host is in the allowlist. No schema, no entities: everything the rules read is in the context.
 *
 * <p>Two configurations: {@code cached = false} sends the policy set to Rust as JSON on every call
 * (cedar-java's classic path); {@code cached = true} calls {@link PolicySet#cache()} once so Rust
 * keeps the parsed set and each call sends only the request. Either way each call serialises the
 * request to JSON, crosses JNI and parses the JSON response; Cedar evaluates every policy (it has
 * no index on principal or action).
 *
 * <p>Thread-safe as far as cedar-java's engine is; the benchmarks use one thread.
 *
 * @since 0.1.0
 */
public final class CedarEngine implements Engine {
  private static final EntityTypeName AGENT = EntityTypeName.parse("Agent").orElseThrow();
  private static final EntityTypeName ACTION = EntityTypeName.parse("Action").orElseThrow();
  private static final EntityTypeName RESOURCE = EntityTypeName.parse("Resource").orElseThrow();

  private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
  private final PolicySet policySet;
  private final boolean cached;
  private final Set<Entity> entities = Set.of();

  /**
   * Parses the scenario's Cedar text and, when {@code cached}, caches the set on the Rust side.
   *
   * @throws IllegalStateException if Cedar rejects the text or the native library fails
   */
  public CedarEngine(Scenario scenario, boolean cached) {
    this.cached = cached;
    try {
      PolicySet set = PolicySet.parsePolicies(policyText(scenario));
      if (cached) {
        set.cache();
      }
      this.policySet = set;
    } catch (InternalException | CacheException e) {
      throw new IllegalStateException("cedar could not load the scenario: " + e.getMessage(), e);
    }
  }

  /** The scenario as Cedar policy text. */
  public static String policyText(Scenario scenario) {
    StringBuilder sb = new StringBuilder(scenario.size() * 220);
    for (Scenario.Rule rule : scenario.rules()) {
      sb.append("@id(\"").append(rule.id()).append("\")\n")
          .append("permit(principal == Agent::\"").append(rule.agent()).append("\", action in [")
          .append(rule.tools().stream().map(t -> "Action::\"" + t + "\"")
              .collect(Collectors.joining(", ")))
          .append("], resource)\n  when { context.sensitivity <= ").append(rule.maxSensitivity())
          .append(" && context.environment == \"").append(rule.environment()).append("\" };\n");
    }
    sb.append("@id(\"").append(Scenario.FORBID_ID).append("\")\n")
        .append("forbid(principal, action == Action::\"").append(Scenario.FORBIDDEN_TOOL)
        .append("\", resource)\n  unless { [")
        .append(Scenario.ALLOWLIST.stream().map(h -> "\"" + h + "\"")
            .collect(Collectors.joining(", ")))
        .append("].contains(context.host) };\n");
    return sb.toString();
  }

  @Override
  public String name() {
    return cached ? "cedar-cached" : "cedar";
  }

  @Override
  public BooleanSupplier prepare(Scenario.Request r) {
    AuthorizationRequest request = request(r);
    return () -> decide(request);
  }

  @Override
  public BooleanSupplier perCall(Scenario.Request r) {
    return () -> decide(request(r));
  }

  private static AuthorizationRequest request(Scenario.Request r) {
    Map<String, Value> context = new HashMap<>();
    context.put("sensitivity", new PrimLong(r.sensitivity()));
    context.put("environment", new PrimString(r.environment()));
    context.put("host", new PrimString(r.host()));
    return new AuthorizationRequest(AGENT.of(r.agent()), ACTION.of(r.tool()), RESOURCE.of("r"),
        new Context(context));
  }

  private boolean decide(AuthorizationRequest request) {
    AuthorizationResponse response;
    try {
      response = engine.isAuthorized(request, policySet, entities);
    } catch (AuthException e) {
      throw new IllegalStateException("cedar failed: " + e.getMessage(), e);
    }
    AuthorizationSuccessResponse success = response.success.orElseThrow(
        () -> new IllegalStateException("cedar failed: " + response));
    if (!success.getErrors().isEmpty()) {
      throw new IllegalStateException("cedar evaluation errors: " + success.getErrors());
    }
    return success.isAllowed();
  }

  /** Whether this engine uses the Rust-side policy cache. */
  public boolean cached() {
    return cached;
  }

  /** The id Cedar keeps the cached set under, for the README's notes. */
  public String cacheKey() {
    return policySet.cacheKey().orElse("-");
  }
}
