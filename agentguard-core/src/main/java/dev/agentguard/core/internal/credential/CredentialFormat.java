package dev.agentguard.core.internal.credential;

/**
 * Constants of the task-credential token format, shared by issuer and verifier.
 *
 * @since 0.1.0
 */
public final class CredentialFormat {
  /** The only {@code alg} issued and accepted. */
  public static final String ALG = dev.agentguard.core.internal.jose.Ed25519.JWS_ALGORITHM;
  /** The explicit {@code typ} of a task credential. */
  public static final String TYP = "agentguard-task+jwt";
  /** Default issuer. */
  public static final String DEFAULT_ISSUER = "agentguard";
  /** Default audience. */
  public static final String DEFAULT_AUDIENCE = "agentguard-tools";
  /** Largest token accepted, in characters (all accepted characters are ASCII). */
  public static final int MAX_TOKEN_LENGTH = 4096;

  private CredentialFormat() {}
}
