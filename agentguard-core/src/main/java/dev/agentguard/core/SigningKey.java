package dev.agentguard.core;

import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.nio.file.Path;

/**
 * The Ed25519 key AgentGuard signs task credentials and audit checkpoints with.
 *
 * <p>Obtain one with {@link #generate()} (ephemeral: tokens die with the process) or load a PKCS#8
 * PEM file with {@link #fromPem(Path)}; create such a file with
 * {@code openssl genpkey -algorithm ed25519 -out agentguard-key.pem}. Hand the
 * {@link #publicJwks()} to downstream services that verify forwarded credentials with
 * {@link CredentialVerifier}.
 *
 * <p>Implementations are immutable and thread-safe; {@code toString()} never shows private
 * material.
 *
 * @since 0.1.0
 */
public interface SigningKey {
  /**
   * A fresh random Ed25519 key from {@link java.security.SecureRandom}.
   *
   * @return the key
   * @since 0.1.0
   */
  static SigningKey generate() {
    return Ed25519SigningKey.generate();
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
  static SigningKey fromPem(Path pkcs8Pem) {
    return Ed25519SigningKey.fromPem(pkcs8Pem);
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
  static SigningKey fromPem(String pkcs8Pem) {
    return Ed25519SigningKey.fromPem(pkcs8Pem);
  }

  /**
   * The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of the public key.
   * It is the {@code kid} header of every credential this key signs.
   *
   * @return the key id
   * @since 0.1.0
   */
  String keyId();

  /**
   * A JWK set with this key's public part only:
   * {@code {"keys":[{"kty":"OKP","crv":"Ed25519","x":...,"kid":...,"use":"sig","alg":"EdDSA"}]}}.
   *
   * @return the JWK set JSON
   * @since 0.1.0
   */
  String publicJwks();
}
