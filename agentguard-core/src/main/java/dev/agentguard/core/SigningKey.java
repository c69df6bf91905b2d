package dev.agentguard.core;

import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The Ed25519 key AgentGuard signs task credentials and audit checkpoints with.
 *
 * <p>Obtain one with {@link #generate()} (ephemeral: tokens die with the process) or load a PKCS#8
 * PEM file with {@link #fromPem(Path)}; create such a file with
 * {@code openssl genpkey -algorithm ed25519 -out agentguard-key.pem}. Hand the
 * {@link #publicJwks()} to downstream services that verify forwarded credentials with
 * {@link CredentialVerifier}.
 *
 * <p>A final class (it was an interface in 0.1.0 that the guard only accepted from these
 * factories): every {@code SigningKey} is a real Ed25519 key the guard can sign with.
 *
 * <p>Immutable and thread-safe; {@code toString()} shows the key id only, never private material.
 *
 * @since 0.1.0
 */
public final class SigningKey {
  static {
    // the guard's credential issuer and checkpoint signer reach the key through this, nothing else
    Ed25519SigningKey.unwrapWith(signingKey -> signingKey.key);
  }

  private final Ed25519SigningKey key;

  private SigningKey(Ed25519SigningKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * A fresh random Ed25519 key from {@link java.security.SecureRandom}.
   *
   * @return the key
   * @since 0.1.0
   */
  public static SigningKey generate() {
    return new SigningKey(Ed25519SigningKey.generate());
  }

  /**
   * Loads an Ed25519 private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----},
   * OID 1.3.101.112), as written by {@code openssl genpkey -algorithm ed25519}.
   *
   * @param pkcs8Pem the file
   * @return the key
   * @throws IllegalArgumentException naming the file when it cannot be read or parsed, or holds a
   *     key of another type (the message names the type found, never key bytes)
   * @since 0.1.0
   */
  public static SigningKey fromPem(Path pkcs8Pem) {
    return new SigningKey(Ed25519SigningKey.fromPem(pkcs8Pem));
  }

  /**
   * Parses an Ed25519 private key from PKCS#8 PEM text.
   *
   * @param pkcs8Pem the PEM text
   * @return the key
   * @throws IllegalArgumentException when the text cannot be parsed or holds a key of another type
   *     (the message names the type found, never key bytes)
   * @since 0.1.0
   */
  public static SigningKey fromPem(String pkcs8Pem) {
    return new SigningKey(Ed25519SigningKey.fromPem(pkcs8Pem));
  }

  /**
   * The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of the public key.
   * It is the {@code kid} header of every credential this key signs.
   *
   * @return the key id
   * @since 0.1.0
   */
  public String keyId() {
    return key.keyId();
  }

  /**
   * A JWK set with this key's public part only:
   * {@code {"keys":[{"kty":"OKP","crv":"Ed25519","x":...,"kid":...,"use":"sig","alg":"EdDSA"}]}}.
   *
   * @return the JWK set JSON
   * @since 0.1.0
   */
  public String publicJwks() {
    return key.publicJwks();
  }

  /** {@code SigningKey{kid=<key id>}}. */
  @Override
  public String toString() {
    return "SigningKey{kid=" + keyId() + "}";
  }
}
