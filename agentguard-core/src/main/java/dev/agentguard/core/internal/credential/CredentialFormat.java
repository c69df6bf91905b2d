package dev.agentguard.core.internal.credential;

/**
 * Constants of the task-credential token format, shared by issuer and verifier.
 *
 * @since 0.1.0
 */
public final class CredentialFormat {
  /** The only {@code alg} issued and accepted. */
  public static final String ALG = "EdDSA";
  /** The explicit {@code typ} of a task credential. */
  public static final String TYP = "agentguard-task+jwt";
  /** Default issuer. */
  public static final String DEFAULT_ISSUER = "agentguard";
  /** Default audience. */
  public static final String DEFAULT_AUDIENCE = "agentguard-tools";
  /** Largest NumericDate accepted or issued: 9999-12-31T23:59:59Z. */
  public static final long MAX_NUMERIC_DATE = 253_402_300_799L;
  /** Largest token accepted, in characters (all accepted characters are ASCII). */
  public static final int MAX_TOKEN_LENGTH = 4096;

  private CredentialFormat() {}
}
