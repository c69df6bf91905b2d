package dev.agentguard.core.internal.jose;

import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * Strict Ed25519 (RFC 8032) signature verification over Bouncy Castle's low-level implementation.
 *
 * <p>On top of RFC 8032 verification this rejects, explicitly and before any curve arithmetic:
 * keys that are not exactly 32 bytes and signatures that are not exactly 64 bytes; an all-zero
 * signature; a scalar {@code S >= L} (signature malleability, RFC 8032 section 5.1.7 step 1); and
 * public keys that encode one of the eight small-order points, in canonical or non-canonical form
 * and with either sign bit. The key is then fully validated (on the curve, canonical encoding,
 * prime order subgroup) before the signature equation is checked. Garbage input never throws: it
 * returns {@code false}.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class Ed25519 {
  /** The JWS {@code alg} of Ed25519 signatures (RFC 8037). */
  public static final String JWS_ALGORITHM = "EdDSA";
  /** Public key length in bytes. */
  public static final int PUBLIC_KEY_SIZE = 32;
  /** Signature length in bytes. */
  public static final int SIGNATURE_SIZE = 64;

  /** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
  private static final byte[] L = HexFormat.of().parseHex(
      "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

  /**
   * The y coordinates (little-endian, sign bit cleared) of the small-order points, including the
   * non-canonical encodings y = p and y = p + 1 (same list as libsodium's blocklist). A key
   * matches when its first 31 bytes and the low 7 bits of byte 31 agree, whatever the sign bit.
   */
  private static final byte[][] SMALL_ORDER_Y = {
    hex("0000000000000000000000000000000000000000000000000000000000000000"), // y=0, order 4
    hex("0100000000000000000000000000000000000000000000000000000000000000"), // y=1, identity
    hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), // order 8
    hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), // order 8
    hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // y=p-1, order 2
    hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // y=p (=0), non-canonical
    hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // y=p+1 (=1), non-canonical
  };

  private Ed25519() {}

  /**
   * A validated public key, decoded once so that repeated verifications skip decompression and
   * validation.
   */
  public static final class PublicKey {
    private final byte[] encoded;
    private final PublicPoint point;

    private PublicKey(byte[] encoded, PublicPoint point) {
      this.encoded = encoded;
      this.point = point;
    }

    /**
     * The 32-byte encoding.
     *
     * @return a copy of the encoding
     */
    public byte[] encoded() {
      return encoded.clone();
    }
  }

  /**
   * Validates and decodes a public key.
   *
   * @param publicKey 32 bytes
   * @return the decoded key, or {@code null} when it is the wrong length, not a canonical point
   *     encoding, a small-order point or not in the prime-order subgroup
   */
  public static PublicKey parsePublicKey(byte[] publicKey) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE || isSmallOrder(publicKey)) {
      return null;
    }
    try {
      PublicPoint point =
          org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(publicKey, 0);
      return point == null ? null : new PublicKey(publicKey.clone(), point);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Verifies an Ed25519 signature strictly (see the class description).
   *
   * @param publicKey 32-byte public key
   * @param message the signed message
   * @param signature 64-byte signature {@code R || S}
   * @return true only when every check passes; false for any bad or malformed input
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (message == null || !isWellFormedSignature(signature)) {
      return false;
    }
    PublicKey key = parsePublicKey(publicKey);
    return key != null && verify(key, message, signature);
  }

  /**
   * Verifies an Ed25519 signature strictly with an already validated key.
   *
   * @param publicKey a key from {@link #parsePublicKey(byte[])}
   * @param message the signed message
   * @param signature 64-byte signature {@code R || S}
   * @return true only when every check passes; false for any bad or malformed input
   */
  public static boolean verify(PublicKey publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || message == null || !isWellFormedSignature(signature)) {
      return false;
    }
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature, 0, publicKey.point, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean isWellFormedSignature(byte[] signature) {
    return signature != null
        && signature.length == SIGNATURE_SIZE
        && !isAllZero(signature)
        && isScalarBelowOrder(signature, 32);
  }

  private static boolean isAllZero(byte[] bytes) {
    int acc = 0;
    for (byte b : bytes) {
      acc |= b;
    }
    return acc == 0;
  }

  /**
   * Whether the little-endian 32-byte scalar at {@code off} is strictly less than the group order
   * L (the explicit malleability check on a signature's S half).
   *
   * @param bytes the bytes holding the scalar
   * @param off offset of the scalar
   * @return true when the scalar is below L
   */
  public static boolean isScalarBelowOrder(byte[] bytes, int off) {
    for (int i = 31; i >= 0; i--) {
      int s = bytes[off + i] & 0xff;
      int l = L[i] & 0xff;
      if (s != l) {
        return s < l;
      }
    }
    return false; // equal to L
  }

  /**
   * Whether a 32-byte encoding is one of the small-order points, with either sign bit, including
   * the non-canonical encodings y = p and y = p + 1.
   *
   * @param publicKey 32 bytes
   * @return true for a small-order encoding
   */
  public static boolean isSmallOrder(byte[] publicKey) {
    for (byte[] y : SMALL_ORDER_Y) {
      boolean same = true;
      for (int i = 0; i < 31 && same; i++) {
        same = publicKey[i] == y[i];
      }
      if (same && (publicKey[31] & 0x7f) == (y[31] & 0x7f)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
