package dev.agentguard.core.internal.jose;

import dev.agentguard.core.internal.Base64Url;
import dev.agentguard.core.internal.Hashing;

/**
 * RFC 7638 JWK thumbprints: SHA-256 over the key's required members in lexicographic order, without
 * whitespace, base64url without padding. The key ids of task credentials and audit checkpoints.
 * Stateless and thread-safe.
 *
 * @since 0.2.0
 */
public final class Thumbprints {
  private Thumbprints() {}

  /**
   * The thumbprint of an Ed25519 public key: SHA-256 over
   * {@code {"crv":"Ed25519","kty":"OKP","x":"<base64url>"}}.
   *
   * @param publicKey the 32-byte public key
   */
  public static String ed25519(byte[] publicKey) {
    return Base64Url.encode(Hashing.sha256(
        "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Base64Url.encode(publicKey) + "\"}"));
  }
}
