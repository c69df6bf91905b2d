package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.PermitReasons;
import java.util.List;

/**
 * The members a version-2 {@code tool.decision} leaves out, on both sides: the writer asks
 * {@link #compact} which to leave out of a record, a reader {@link #restore}s them. The one place
 * the rules are written (docs/audit.md "Implied members"):
 * <ul>
 *   <li>{@code decision} is left out when it is {@code ALLOW} on a decision that carries its
 *       {@code outcome} (one record of an allowed call: only an allowed call has an outcome);
 *   <li>{@code reasons} are left out of an {@code ALLOW} whose reasons are exactly what the policy
 *       engine states for a plain allow of its one policy ({@link PermitReasons});
 *   <li>{@code policyVersion} is left out when it equals the chain's current policy version: the
 *       {@code policyVersion} of the latest {@code policy.loaded} of the same run, restated by every
 *       {@code audit.checkpoint} (so a reader that starts at a checkpoint knows it); each
 *       {@code audit.opened} starts a run without one.
 * </ul>
 * A record that a reader would otherwise restore wrongly (an outcome without a decision; an
 * {@code ALLOW} of one policy with no reasons at all; a decision without a version while the chain
 * has one) is written as version 1,
 * which states every member and is never restored.
 *
 * <p>Not thread-safe: one instance follows one chain (the writer's sealer, or a reader), in order.
 *
 * @since 0.2.0
 */
public final class ImpliedMembers {
  /** {@link #compact} result bits. */
  static final int REASONS = 1;
  static final int POLICY_VERSION = 2;
  static final int DECISION = 4;
  /** {@link #compact} result: write the record as version 1, leaving nothing out. */
  static final int VERSION_1 = 8;
  private static final List<List<String>> NAMES = names();

  private String current;
  /** Writer: the last reasons and policies lists found plain ({@link #plain}). */
  private List<String> plainReasons;
  private List<String> plainPolicies;
  /** Set by {@link #lost}: a record of the chain could not be read, so {@link #current} may be stale. */
  private boolean unknown;

  /** The chain's current policy version as this instance followed it, or {@code null}. */
  public String currentPolicyVersion() {
    return current;
  }

  /**
   * Follows one record of the chain (after it was written or read): a {@code policy.loaded} or
   * {@code audit.checkpoint} sets the current version, an {@code audit.opened} clears it.
   */
  void follow(String type, String policyVersion) {
    if (AuditEvent.POLICY_LOADED.equals(type) || AuditEvent.AUDIT_CHECKPOINT.equals(type)) {
      current = policyVersion;
      unknown = false;
    } else if (AuditEvent.AUDIT_OPENED.equals(type)) {
      current = null;
      unknown = false;
    }
  }

  /**
   * Reader: a record of the chain could not be read (a lenient read went past it). It may have been
   * the {@code policy.loaded} that changed the version, so until the next record that states the
   * version ({@code policy.loaded}, {@code audit.checkpoint}) or starts a run, no version is restored:
   * such a decision reads without a {@code policyVersion} rather than with a guessed one.
   */
  public void lost() {
    unknown = true;
  }

  /**
   * Writer: which members of {@code e} (bounded content, about to be written) to leave out, as
   * {@link #REASONS} | {@link #POLICY_VERSION} bits, or {@link #VERSION_1}.
   */
  int compact(AuditEvent e) {
    if (!AuditEvent.TOOL_DECISION.equals(e.type())) {
      return 0;
    }
    int bits = 0;
    if (e.outcome() != null) {
      if (e.decision() == null) {
        return VERSION_1;
      }
      if ("ALLOW".equals(e.decision())) {
        bits |= DECISION;
      }
    }
    if ("ALLOW".equals(e.decision()) && e.policies().size() == 1) {
      if (e.reasons().isEmpty()) {
        return VERSION_1;
      }
      if (plain(e.reasons(), e.policies())) {
        bits |= REASONS;
      }
    }
    if (current != null) {
      if (e.policyVersion() == null) {
        return VERSION_1;
      }
      if (current.equals(e.policyVersion())) {
        bits |= POLICY_VERSION;
      }
    }
    return bits;
  }

  /**
   * {@link PermitReasons#isPlain}, remembering the last pair of lists found plain: the same two
   * list objects (immutable, as every event's lists are) are not compared again.
   */
  private boolean plain(List<String> reasons, List<String> policies) {
    if (reasons == plainReasons && policies == plainPolicies) {
      return true;
    }
    if (!PermitReasons.isPlain(reasons, policies)) {
      return false;
    }
    plainReasons = reasons;
    plainPolicies = policies;
    return true;
  }

  /** The member names of {@link #compact} bits. */
  static List<String> names(int bits) {
    return NAMES.get(bits & (REASONS | POLICY_VERSION | DECISION));
  }

  private static List<List<String>> names() {
    List<List<String>> out = new java.util.ArrayList<>();
    for (int bits = 0; bits < 8; bits++) {
      List<String> n = new java.util.ArrayList<>();
      if ((bits & DECISION) != 0) {
        n.add(AuditEvent.DECISION);
      }
      if ((bits & REASONS) != 0) {
        n.add(AuditEvent.REASONS);
      }
      if ((bits & POLICY_VERSION) != 0) {
        n.add(AuditEvent.POLICY_VERSION);
      }
      out.add(List.copyOf(n));
    }
    return List.copyOf(out);
  }

  /**
   * Reader: {@code e} (as parsed, in chain order) with its implied members restored (and named by
   * {@link AuditEvent#impliedMembers()}, so it still hashes as written); follows the chain state.
   */
  public AuditEvent restore(AuditEvent e) {
    follow(e.type(), e.policyVersion());
    if (e.v() < 2 || !AuditEvent.TOOL_DECISION.equals(e.type()) || !e.impliedMembers().isEmpty()) {
      return e;
    }
    boolean decision = e.decision() == null && e.outcome() != null;
    String decided = decision ? "ALLOW" : e.decision();
    List<String> reasons = e.reasons().isEmpty() && "ALLOW".equals(decided)
        ? PermitReasons.implied(e.policies()) : null;
    boolean version = e.policyVersion() == null && current != null && !unknown;
    if (!decision && reasons == null && !version) {
      return e;
    }
    AuditEvent.Builder b = e.toBuilder();
    int bits = 0;
    if (decision) {
      b.decision(decided);
      bits |= DECISION;
    }
    if (reasons != null) {
      b.reasons(reasons);
      bits |= REASONS;
    }
    if (version) {
      b.policyVersion(current);
      bits |= POLICY_VERSION;
    }
    return AuditEvent.recorded(b, e.v(), e.seq(), e.id(), e.ts(), e.parent(), e.prev(), e.hash(), names(bits));
  }
}
