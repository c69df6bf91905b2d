package dev.agentguard;

/**
 * Issues short-lived, per-task secrets for a downstream system (a database login, a cache ACL user)
 * and revokes them. The guard owns the leases: it asks for one the first time an allowed call of a
 * tool that declares the secret runs in a task, reuses it within the task and revokes it when the
 * task closes, is revoked or expires, whichever comes first.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #issue} returns a lease whose server-side expiry is not later than
 *       {@link LeaseRequest#notAfter()}, so a lease the guard could not revoke still dies with its
 *       task (the guard refuses, and revokes, a lease that would outlive it). It throws when it cannot
 *       issue; the guard then denies the call ({@code SECRET_UNAVAILABLE}) and the tool body never runs.
 *       An exception's message must not contain secret material (the guard logs its type only).
 *   <li>{@link #revoke} makes the lease unusable at once: no new logins and no open sessions. It is
 *       idempotent (revoking an already removed lease succeeds). When it throws, the guard retries in
 *       the background with backoff until the lease's own expiry.
 *   <li>{@link #open} runs once when the guard starts, before any issue (crash recovery: remove what an
 *       earlier process left behind); {@link #close} once when it closes.
 * </ul>
 *
 * <p>Implementations are thread-safe: leases of many tasks are issued and revoked concurrently.
 *
 * @since 0.2.0
 */
public interface SecretBroker {
  /** A short name of the kind of system, for the audit trail (e.g. {@code postgresql}, {@code redis}). */
  String kind();

  /**
   * Issues a lease.
   *
   * @throws Exception when the lease cannot be issued (server down, refused, timed out)
   */
  SecretLease issue(LeaseRequest request) throws Exception;

  /**
   * Revokes a lease this broker issued: refuses new logins, ends open sessions, removes the principal.
   *
   * @throws Exception when the server could not be reached or refused; the guard retries
   */
  void revoke(SecretLease lease) throws Exception;

  /**
   * Called once when the guard starts; default nothing.
   *
   * @param guardInstance the guard's {@code instanceId()}
   * @throws Exception to fail the guard's start (a broken start is loud)
   */
  default void open(String guardInstance) throws Exception {}

  /** Called once when the guard closes, after every lease was revoked or handed to retries; default nothing. */
  default void close() {}
}
