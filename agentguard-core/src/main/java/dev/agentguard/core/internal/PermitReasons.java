package dev.agentguard.core.internal;

import java.util.List;

/**
 * The reason the policy engine states for a plain allow by one rule ({@code permitted by <id>}), in
 * the one place both the engine that states it and the audit trail that leaves it out of a record
 * (and restores it when reading) take it from: a record's {@code reasons} are omitted only when they
 * are exactly {@link #of(String)} of its one policy. Stateless and thread-safe.
 *
 * @since 0.2.0
 */
public final class PermitReasons {
  private static final String PREFIX = "permitted by ";

  private PermitReasons() {}

  /**
   * The reasons of a plain allow by rule {@code policyId}.
   *
   * @throws NullPointerException if {@code policyId} is null
   */
  public static List<String> of(String policyId) {
    return List.of(PREFIX.concat(policyId));
  }

  /**
   * The reasons a plain allow of {@code policies} states, or {@code null} when there is no single
   * such statement (not exactly one policy).
   */
  public static List<String> implied(List<String> policies) {
    return policies.size() == 1 ? of(policies.get(0)) : null;
  }

  /** Whether {@code reasons} are exactly {@link #implied(List)} of {@code policies} (checked without allocating). */
  public static boolean isPlain(List<String> reasons, List<String> policies) {
    if (reasons.size() != 1 || policies.size() != 1) {
      return false;
    }
    String r = reasons.get(0);
    String id = policies.get(0);
    return r != null && id != null && r.length() == PREFIX.length() + id.length() && r.startsWith(PREFIX)
        && r.endsWith(id);
  }
}
