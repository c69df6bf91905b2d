package dev.agentguard;

/**
 * Machine-readable reason for a denied call. Every deny carries exactly one.
 *
 * @since 0.1.0
 */
public enum DenyCode {
  /** No task is bound to the calling thread, or the bound task is closed. */
  NO_TASK,
  /** The task credential's lifetime has ended (or has not begun). */
  CREDENTIAL_EXPIRED,
  /** The credential, its task or its agent was revoked. */
  CREDENTIAL_REVOKED,
  /** The credential's scopes do not cover the tool. */
  OUT_OF_SCOPE,
  /**
   * The tool's risk tier demands a verified workload identity (see {@code AgentIdentity.verified()})
   * and the agent's was not proven.
   */
  AGENT_UNVERIFIED,
  /** A forbid rule matched. */
  FORBIDDEN,
  /** No permit rule matched (default deny). */
  NO_MATCHING_PERMIT,
  /** A forbid rule's condition could not be evaluated, or a step of the guard failed. */
  EVALUATION_ERROR,
  /** A call budget or rate limit is used up. */
  LIMIT_EXCEEDED,
  /**
   * An obligation step ({@code dev.agentguard.core.spi.ObligationStep}, or an interceptor) requires
   * an approval the call does not have. No built-in step produces it yet.
   */
  APPROVAL_REQUIRED,
  /**
   * An obligation step (or an interceptor) asked for an approval and it was refused. No built-in step
   * produces it yet.
   */
  APPROVAL_DENIED,
  /** The audit trail could not take the record of a call that needs one first. */
  AUDIT_UNAVAILABLE,
  /** No valid policy has been loaded. */
  POLICY_UNAVAILABLE,
  /**
   * The guard cannot confirm that its view of revocations is current (for example a fleet store lost
   * its connection for longer than the configured bound), so it does not trust that the credential is
   * still valid.
   *
   * @since 0.2.0
   */
  REVOCATION_UNAVAILABLE,
  /**
   * A downstream secret the tool declares could not be issued for this task (the broker failed, did
   * not answer within {@code secretIssueTimeout}, or returned a lease that would outlive the task), so
   * the tool did not run.
   *
   * @since 0.2.0
   */
  SECRET_UNAVAILABLE
}
