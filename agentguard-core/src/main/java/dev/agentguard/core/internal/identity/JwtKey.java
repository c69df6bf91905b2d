package dev.agentguard.core.internal.identity;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * One JWT-SVID authority: a validated EC P-256/P-384 or RSA (at least 2048 bit) public key, and the
 * optional {@code alg} the JWK pinned it to. Immutable.
 */
final class JwtKey {
  static final int MIN_RSA_BITS = 2048;
  static final int MAX_RSA_BITS = 16384;
  /** The JWS algorithms a JWT-SVID authority may be used with. */
  static final java.util.Set<String> ALGORITHMS = java.util.Set.of("ES256", "ES384", "RS256", "PS256");

  final String kid;
  final PublicKey key;
  /** "ES256", "ES384" or "RSA" (RS256 and PS256). */
  final String family;
  /** The JWK's own alg member, or null. */
  final String pinnedAlg;

  private JwtKey(String kid, PublicKey key, String family, String pinnedAlg) {
    this.kid = kid;
    this.key = key;
    this.family = family;
    this.pinnedAlg = pinnedAlg;
  }

  /**
   * Validates a key.
   *
   * @throws IllegalArgumentException when the key is not EC P-256/P-384 or RSA of 2048..16384 bits
   */
  static JwtKey of(String kid, PublicKey key, String pinnedAlg) {
    if (kid == null || kid.isEmpty()) {
      throw new IllegalArgumentException("JWT authority without a key id");
    }
    if (key instanceof ECPublicKey) {
      java.math.BigInteger order = ((ECPublicKey) key).getParams().getOrder();
      if (order.equals(EcCurves.P256_ORDER)) {
        return new JwtKey(kid, key, "ES256", pinnedAlg);
      }
      if (order.equals(EcCurves.P384_ORDER)) {
        return new JwtKey(kid, key, "ES384", pinnedAlg);
      }
      throw new IllegalArgumentException("JWT authority '" + kid + "' uses an EC curve other than P-256 or P-384");
    }
    if (key instanceof RSAPublicKey) {
      RSAPublicKey rsa = (RSAPublicKey) key;
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
        throw new IllegalArgumentException("JWT authority '" + kid + "' is an RSA key of " + bits
            + " bits; " + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " are accepted");
      }
      java.math.BigInteger e = rsa.getPublicExponent();
      if (!e.testBit(0) || e.compareTo(java.math.BigInteger.valueOf(3)) < 0) {
        throw new IllegalArgumentException("JWT authority '" + kid + "' has an invalid RSA exponent");
      }
      return new JwtKey(kid, key, "RSA", pinnedAlg);
    }
    throw new IllegalArgumentException("JWT authority '" + kid + "' is neither an EC nor an RSA key");
  }

  /** Whether a token algorithm may be used with this key. */
  boolean accepts(String alg) {
    if (pinnedAlg != null && !pinnedAlg.equals(alg)) {
      return false;
    }
    switch (alg) {
      case "ES256":
      case "ES384":
        return family.equals(alg);
      case "RS256":
      case "PS256":
        return family.equals("RSA");
      default:
        return false;
    }
  }
}
