package dev.agentguard;

/**
 * A task credential was rejected. {@link #reason()} says why in machine-readable form; the message
 * never contains the token.
 *
 * @since 0.1.0
 */
public class CredentialException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  /** Why a credential was rejected. */
  public enum Reason {
    /** Not a well-formed compact JWS, non-canonical base64url, bad JSON, too large or too deep. */
    MALFORMED,
    /** Algorithm other than the pinned one, or a forbidden header (jwk, jku, x5u, x5c, unknown crit). */
    UNSUPPORTED_HEADER,
    /** The {@code typ} header is not the task-credential type. */
    WRONG_TYPE,
    /** Signature did not verify, or the key id is unknown. */
    BAD_SIGNATURE,
    /** A required claim is missing or has the wrong type. */
    INVALID_CLAIMS,
    /** Issuer or audience is not the expected one. */
    WRONG_AUDIENCE,
    /** {@code exp} has passed (beyond the leeway). */
    EXPIRED,
    /** {@code nbf} or {@code iat} lies in the future (beyond the leeway). */
    NOT_YET_VALID,
    /** The credential, its task or its agent was revoked. */
    REVOKED
  }

  private final Reason reason;

  /** With a reason and a message (never containing the token). */
  public CredentialException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** Why the credential was rejected. */
  public Reason reason() {
    return reason;
  }
}
