package dev.agentguard.core.internal.guard;

import dev.agentguard.ApprovalHandler;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The rollout settings of one guard (approvals and the shadow policy set), as the builder collected
 * them: one component of {@link GuardConfig}.
 *
 * @param approvals the approval handler, or {@code null} for none (calls that need approval are
 *     then denied {@code APPROVAL_REQUIRED})
 * @param approvalTimeout how long a call waits for an approval
 * @param shadowPolicyFile a watched candidate policy file, or {@code null}
 * @param shadowPolicySet a fixed candidate policy set, or {@code null}
 * @throws IllegalArgumentException if both shadow sources are given or the timeout is not positive
 * @since 0.2.0
 */
public record RolloutSettings(ApprovalHandler approvals, Duration approvalTimeout, Path shadowPolicyFile,
    PolicySet shadowPolicySet) {
  /** The default approval timeout: 2 minutes. */
  public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(2);

  /** Checks the invariants. */
  public RolloutSettings {
    Settings.positive(approvalTimeout, "approvalTimeout");
    if (shadowPolicyFile != null && shadowPolicySet != null) {
      throw new IllegalArgumentException("at most one of shadowPolicyFile and shadowPolicySet may be given");
    }
  }

  /** No handler, the default timeout, no shadow set. */
  public static RolloutSettings none() {
    return new RolloutSettings(null, DEFAULT_APPROVAL_TIMEOUT, null, null);
  }
}
