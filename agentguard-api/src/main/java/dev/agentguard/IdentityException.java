package dev.agentguard;

/**
 * A workload identity proof (a JWT-SVID or an X.509-SVID) was rejected. {@link #reason()} says why
 * in machine-readable form; the message never contains the token.
 *
 * @since 0.1.0
 */
public class IdentityException extends AgentGuardException {
  private static final long serialVersionUID = 1L;

  /**
   * Why an identity proof was rejected.
   *
   * @since 0.1.0
   */
  public enum Reason {
    /**
     * Not a well-formed compact JWS or certificate chain: non-canonical base64url, bad or duplicate
     * JSON, nesting too deep, too large.
     */
    MALFORMED,
    /** {@code alg} missing, or not one of ES256, ES384, RS256, PS256 (none, HS*, EdDSA...). */
    UNSUPPORTED_ALGORITHM,
    /** A header other than alg, kid, typ (jwk, jku, x5u, x5c, crit...). */
    UNSUPPORTED_HEADER,
    /** {@code typ} present and not {@code JWT} or {@code JOSE} (e.g. a task credential). */
    WRONG_TYPE,
    /** {@code kid} missing or not in the trust bundle of the subject's trust domain. */
    UNKNOWN_KEY,
    /** The algorithm does not fit the key the kid names (e.g. ES256 with an RSA key). */
    KEY_MISMATCH,
    /** The signature did not verify (or has the wrong length or out-of-range values). */
    BAD_SIGNATURE,
    /** A required claim is missing or has the wrong type or range ({@code exp}, {@code sub}...). */
    INVALID_CLAIMS,
    /** The subject (JWT {@code sub} or the certificate URI SAN) is not a valid SPIFFE ID. */
    INVALID_SPIFFE_ID,
    /** The subject's trust domain has no trust bundle. */
    UNTRUSTED_TRUST_DOMAIN,
    /** {@code aud} does not contain the expected audience. */
    WRONG_AUDIENCE,
    /** Expired ({@code exp} or the leaf's notAfter) at the verifier's clock (beyond the leeway). */
    EXPIRED,
    /** Not valid yet ({@code nbf}/{@code iat} or the leaf's notBefore) at the verifier's clock. */
    NOT_YET_VALID,
    /** The certificate chain does not validate (PKIX) to the trust bundle's X.509 authorities. */
    UNTRUSTED_CHAIN,
    /**
     * The leaf certificate breaks the X.509-SVID rules: not exactly one URI SAN, a CA certificate,
     * or key usage without digitalSignature or with keyCertSign/cRLSign.
     */
    INVALID_CERTIFICATE
  }

  private final Reason reason;

  /** With a reason and a message (never containing the token). */
  public IdentityException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = java.util.Objects.requireNonNull(reason, "reason");
  }

  /** With a reason, a message (never containing the token) and a cause. */
  public IdentityException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = java.util.Objects.requireNonNull(reason, "reason");
  }

  /** Why the proof was rejected. */
  public Reason reason() {
    return reason;
  }
}
