package dev.agentguard.core.internal.approval;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Approvals that cover more calls than the one that asked: per task and tool, how many calls are
 * left, under which credential, until when. A grant is taken only by a call of the same task, tool
 * and credential before the credential expires; a withdrawn task (closed, revoked) loses its grants
 * when the guard wakes the desk and whenever grants are swept. Thread-safe.
 */
final class ApprovalGrants {
  /** Sweep withdrawn and expired grants when more than this many are held. */
  static final int SWEEP_ABOVE = 256;

  private record Key(String task, String tool) {}

  private static final class Grant {
    final String approvalId;
    final String approver;
    final String credential;
    final long expiresAtMillis;
    final BooleanSupplier withdrawn;
    final int total;
    int left;

    Grant(String approvalId, String approver, String credential, long expiresAtMillis, BooleanSupplier withdrawn,
        int total, int left) {
      this.approvalId = approvalId;
      this.approver = approver;
      this.credential = credential;
      this.expiresAtMillis = expiresAtMillis;
      this.withdrawn = withdrawn;
      this.total = total;
      this.left = left;
    }
  }

  /** What a covered call is told: the approval, its approver and the call's place in it. */
  record Use(String approvalId, String approver, int number, int total) {}

  private final Map<Key, Grant> grants = new ConcurrentHashMap<>();

  /** Records that {@code left} further calls are covered. */
  void put(Pending p, String approvalId, String approver, int total, int left) {
    if (grants.size() > SWEEP_ABOVE) {
      sweep(Long.MIN_VALUE);
    }
    grants.put(new Key(p.task(), p.tool()),
        new Grant(approvalId, approver, p.credential(), p.credentialExpiresAtMillis(), p.withdrawn(), total, left));
  }

  /** Takes one covered call, or returns {@code null} when none is left for this call. */
  Use take(Pending p, long now) {
    Key key = new Key(p.task(), p.tool());
    Grant g = grants.get(key);
    if (g == null) {
      return null;
    }
    synchronized (g) {
      if (g.left <= 0 || !g.credential.equals(p.credential()) || now >= g.expiresAtMillis || g.withdrawn.getAsBoolean()) {
        grants.remove(key, g);
        return null;
      }
      g.left--;
      if (g.left == 0) {
        grants.remove(key, g);
      }
      return new Use(g.approvalId, g.approver, g.total - g.left, g.total);
    }
  }

  /** Drops grants of withdrawn tasks (and, when {@code now} is given, expired ones). */
  void sweep(long now) {
    grants.values().removeIf(g -> g.withdrawn.getAsBoolean() || (now != Long.MIN_VALUE && now >= g.expiresAtMillis));
  }

  int size() {
    return grants.size();
  }
}
