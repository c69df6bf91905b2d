package dev.agentguard;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of authorizing one tool call: allowed, or denied with a {@link DenyCode}, the
 * human-readable reasons, the ids of the rules that decided and the version of the policy set used.
 *
 * <p>Immutable and thread-safe. Engines may hand out the same instance for many calls.
 *
 * @since 0.1.0
 */
public final class Decision {
  private final boolean allowed;
  private final DenyCode code;
  private final List<String> reasons;
  private final List<String> policies;
  private final String policyVersion;

  private Decision(
      boolean allowed, DenyCode code, List<String> reasons, List<String> policies, String policyVersion) {
    this.allowed = allowed;
    this.code = code;
    this.reasons = List.copyOf(reasons);
    this.policies = List.copyOf(policies);
    this.policyVersion = policyVersion;
  }

  /**
   * An allow. Takes its lists in the same order as {@link #deny(DenyCode, List, List, String)}:
   * reasons, then policies (changed in 0.2.0: it took policies first).
   *
   * @param reasons human-readable reasons, naming the rule that allowed
   * @param policies the ids of the permit rules that allowed the call
   * @param policyVersion the version of the policy set, or {@code null} when no policy was involved
   */
  public static Decision allow(List<String> reasons, List<String> policies, String policyVersion) {
    return new Decision(true, null, reasons, policies, policyVersion);
  }

  /**
   * A deny.
   *
   * @param code why, machine-readable; never {@code null}
   * @param reasons human-readable reasons, naming the rule or check that denied
   * @param policies the ids of the rules that denied (empty for checks outside the policy)
   * @param policyVersion the version of the policy set, or {@code null} when none was consulted
   */
  public static Decision deny(
      DenyCode code, List<String> reasons, List<String> policies, String policyVersion) {
    return new Decision(false, Objects.requireNonNull(code, "code"), reasons, policies, policyVersion);
  }

  /** A deny outside the policy set, with one reason. */
  public static Decision deny(DenyCode code, String reason) {
    return deny(code, List.of(reason), List.of(), null);
  }

  /** Whether the call may proceed. */
  public boolean allowed() {
    return allowed;
  }

  /** Why the call was denied; {@code null} when allowed. */
  public DenyCode code() {
    return code;
  }

  /** Human-readable reasons; each names the rule or check it comes from. */
  public List<String> reasons() {
    return reasons;
  }

  /** Ids of the rules that decided (the matching forbid, or the matching permit). */
  public List<String> policies() {
    return policies;
  }

  /** The {@code sha256:<hex>} version of the policy set that decided, or {@code null}. */
  public String policyVersion() {
    return policyVersion;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Decision)) {
      return false;
    }
    Decision d = (Decision) o;
    return allowed == d.allowed
        && code == d.code
        && reasons.equals(d.reasons)
        && policies.equals(d.policies)
        && Objects.equals(policyVersion, d.policyVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowed, code, reasons, policies, policyVersion);
  }

  @Override
  public String toString() {
    return (allowed ? "ALLOW" : "DENY " + code) + " " + policies + " " + reasons;
  }
}
