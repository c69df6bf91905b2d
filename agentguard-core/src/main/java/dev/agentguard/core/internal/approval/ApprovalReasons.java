package dev.agentguard.core.internal.approval;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.internal.VisibleText;
import java.util.List;

/**
 * The wording of approval outcomes in decisions, and the one place that makes an approver string
 * (untrusted: it comes from whoever answered) safe for the audit trail and for a model-facing text.
 * Stateless and thread-safe.
 */
public final class ApprovalReasons {
  /** Longest approver kept, in code points; longer ones are cut and marked. */
  public static final int MAX_APPROVER_CODE_POINTS = 128;
  /** The reason prefix of an {@code APPROVAL_DENIED} deny; the approver follows. */
  static final String REFUSED_BY = "approval refused by ";
  /** The reason of an {@code APPROVAL_REQUIRED} deny for which a handler was asked and did not approve in time. */
  static final String NOT_IN_TIME = "approval requested but not given in time";

  private ApprovalReasons() {}

  /**
   * The approver as kept: at most {@link #MAX_APPROVER_CODE_POINTS} code points, every invisible or
   * reordering character ({@link VisibleText#isHidden}) and every quote or backslash written as
   * {@code U+XXXX}, {@code "unknown"} when empty.
   */
  public static String approver(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "unknown";
    }
    StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_APPROVER_CODE_POINTS) + 8);
    int kept = 0;
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      if (kept == MAX_APPROVER_CODE_POINTS) {
        out.append("...");
        break;
      }
      if (VisibleText.isHidden(cp) || cp == '"' || cp == '\\' || (Character.isWhitespace(cp) && cp != ' ')) {
        out.append(String.format("U+%04X", cp));
      } else {
        out.appendCodePoint(cp);
      }
      kept++;
    }
    return out.toString();
  }

  /** The approver named by an {@code APPROVAL_DENIED} deny this package made, or {@code null}. */
  public static String refusedBy(Decision d) {
    if (d == null || d.code() != DenyCode.APPROVAL_DENIED) {
      return null;
    }
    for (String r : d.reasons()) {
      if (r.startsWith(REFUSED_BY)) {
        return r.substring(REFUSED_BY.length());
      }
    }
    return null;
  }

  /** Whether an {@code APPROVAL_REQUIRED} deny says a handler was asked and the deadline passed. */
  public static boolean timedOut(Decision d) {
    return d != null && d.code() == DenyCode.APPROVAL_REQUIRED && d.reasons().contains(NOT_IN_TIME);
  }

  static Decision refused(Decision policy, String approver, String approvalId) {
    return Decision.deny(DenyCode.APPROVAL_DENIED, List.of(REFUSED_BY + approver, "approval " + approvalId),
        policy.policies(), policy.policyVersion());
  }

  static Decision required(Decision policy, String why) {
    return Decision.deny(DenyCode.APPROVAL_REQUIRED, List.of(why), policy.policies(), policy.policyVersion());
  }

  static Decision approved(Decision policy, String approver, String approvalId, String coverage) {
    return Decision.allow(List.of("permitted by " + String.join(", ", policy.policies()) + " once approved",
        "approved by " + approver, "approval " + approvalId + " " + coverage), policy.policies(),
        policy.policyVersion());
  }
}
