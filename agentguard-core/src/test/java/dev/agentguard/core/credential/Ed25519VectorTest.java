package dev.agentguard.core.credential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.core.internal.jose.Ed25519;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import dev.agentguard.core.internal.jose.Thumbprints;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 8037 Appendix A vector and strict Ed25519 verification (docs/security-cases.md #14). */
class Ed25519VectorTest {
  static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  static JsonNode vector;
  static byte[] d;
  static byte[] x;
  static byte[] signingInput;
  static byte[] signature;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = Ed25519VectorTest.class.getResourceAsStream(
        "/vectors/rfc8037-ed25519.json")) {
      assertNotNull(in, "vector resource");
      vector = new ObjectMapper().readTree(in);
    }
    d = Tokens.unb64(vector.get("privateJwk").get("d").textValue());
    x = Tokens.unb64(vector.get("publicJwk").get("x").textValue());
    signingInput = vector.get("signingInput").textValue().getBytes(StandardCharsets.US_ASCII);
    signature = Tokens.unb64(vector.get("signature").textValue());
  }

  @Test
  void vectorSignatureVerifiesWithVectorPublicKey() {
    assertEquals(32, x.length);
    assertEquals(64, signature.length);
    assertTrue(Ed25519.verify(x, signingInput, signature));
  }

  @Test
  void vectorSigningInputIsProtectedHeaderDotPayload() {
    String expected = Tokens.b64(vector.get("protectedHeader").textValue()) + "."
        + Tokens.b64(vector.get("payload").textValue());
    assertEquals(expected, vector.get("signingInput").textValue());
  }

  @Test
  void privateKeyFromDReproducesTheVectorSignature() {
    Ed25519SigningKey key = Ed25519SigningKey.fromPrivateKeyBytes(d);
    assertArrayEquals(x, key.publicKey());
    assertArrayEquals(signature, key.sign(signingInput)); // Ed25519 is deterministic
  }

  @Test
  void keyIdIsTheRfc7638ThumbprintOfTheVector() {
    String expected = vector.get("thumbprintSha256").textValue();
    assertEquals(expected, Ed25519SigningKey.fromPrivateKeyBytes(d).keyId());
    assertEquals(expected, Thumbprints.ed25519(x));
  }

  @Test
  void rejectsEveryOneBitFlipOfTheSignature() {
    for (int bit = 0; bit < signature.length * 8; bit++) {
      assertFalse(Ed25519.verify(x, signingInput, flip(signature, bit)), "bit " + bit);
    }
  }

  @Test
  void rejectsEveryOneBitFlipOfTheSigningInput() {
    for (int bit = 0; bit < signingInput.length * 8; bit++) {
      assertFalse(Ed25519.verify(x, flip(signingInput, bit), signature), "bit " + bit);
    }
  }

  @Test
  void rejectsEveryOneBitFlipOfThePublicKey() {
    for (int bit = 0; bit < x.length * 8; bit++) {
      assertFalse(Ed25519.verify(flip(x, bit), signingInput, signature), "bit " + bit);
    }
  }

  @Test
  void rejectsNonCanonicalS() {
    byte[] s = Arrays.copyOfRange(signature, 32, 64);
    BigInteger sPlusL = littleEndian(s).add(L);
    assertTrue(sPlusL.bitLength() <= 256);
    byte[] forged = signature.clone();
    System.arraycopy(toLittleEndian(sPlusL), 0, forged, 32, 32);
    assertFalse(Ed25519.verify(x, signingInput, forged));
    // S = L exactly and S = 2^256 - 1 are rejected too.
    System.arraycopy(toLittleEndian(L), 0, forged, 32, 32);
    assertFalse(Ed25519.verify(x, signingInput, forged));
    Arrays.fill(forged, 32, 64, (byte) 0xff);
    assertFalse(Ed25519.verify(x, signingInput, forged));
  }

  @Test
  void explicitScalarCheckRejectsSAtAndAboveTheOrder() {
    // BC rejects S >= L as well; this pins our own explicit check at its boundaries.
    byte[] sig = new byte[64];
    System.arraycopy(toLittleEndian(L.subtract(BigInteger.ONE)), 0, sig, 32, 32);
    assertTrue(Ed25519.isScalarBelowOrder(sig, 32));
    System.arraycopy(toLittleEndian(L), 0, sig, 32, 32);
    assertFalse(Ed25519.isScalarBelowOrder(sig, 32));
    System.arraycopy(toLittleEndian(L.add(BigInteger.ONE)), 0, sig, 32, 32);
    assertFalse(Ed25519.isScalarBelowOrder(sig, 32));
    System.arraycopy(toLittleEndian(BigInteger.TWO.pow(253)), 0, sig, 32, 32);
    assertFalse(Ed25519.isScalarBelowOrder(sig, 32));
    System.arraycopy(new byte[32], 0, sig, 32, 32);
    assertTrue(Ed25519.isScalarBelowOrder(sig, 32));
  }

  @Test
  void rejectsAllZeroSignature() {
    assertFalse(Ed25519.verify(x, signingInput, new byte[64]));
  }

  @Test
  void rejectsTruncatedSignature() {
    assertFalse(Ed25519.verify(x, signingInput, Arrays.copyOf(signature, 63)));
    assertFalse(Ed25519.verify(x, signingInput, Arrays.copyOfRange(signature, 1, 64)));
    assertFalse(Ed25519.verify(x, signingInput, new byte[0]));
  }

  @Test
  void rejectsOverlongSignature() {
    assertFalse(Ed25519.verify(x, signingInput, Arrays.copyOf(signature, 65)));
    byte[] doubled = new byte[128];
    System.arraycopy(signature, 0, doubled, 0, 64);
    System.arraycopy(signature, 0, doubled, 64, 64);
    assertFalse(Ed25519.verify(x, signingInput, doubled));
  }

  @Test
  void rejectsWrongLengthPublicKey() {
    assertFalse(Ed25519.verify(Arrays.copyOf(x, 31), signingInput, signature));
    assertFalse(Ed25519.verify(Arrays.copyOf(x, 33), signingInput, signature));
  }

  @Test
  void rejectsSmallOrderPublicKey() {
    String[] smallOrderY = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };
    for (String hex : smallOrderY) {
      for (int sign = 0; sign < 2; sign++) {
        byte[] pk = HexFormat.of().parseHex(hex);
        pk[31] |= (byte) (sign << 7);
        assertTrue(Ed25519.isSmallOrder(pk), hex + " sign " + sign); // our explicit list
        assertNull(Ed25519.parsePublicKey(pk), hex + " sign " + sign);
        assertFalse(Ed25519.verify(pk, signingInput, signature));
      }
    }
  }

  @Test
  void smallOrderListDoesNotMatchOrdinaryKeys() {
    assertFalse(Ed25519.isSmallOrder(x));
    assertTrue(Ed25519.parsePublicKey(x) != null);
  }

  @Test
  void rejectsForgeryUnderTheIdentityPublicKey() {
    // With A = identity, [S]B = R + [k]A holds for R = B, S = 1 and every message: a cofactorless
    // verifier without a small-order check would accept this for any message.
    byte[] identity = HexFormat.of().parseHex(
        "0100000000000000000000000000000000000000000000000000000000000000");
    byte[] forged = new byte[64];
    byte[] basePoint = HexFormat.of().parseHex(
        "5866666666666666666666666666666666666666666666666666666666666666");
    System.arraycopy(basePoint, 0, forged, 0, 32);
    forged[32] = 1;
    assertFalse(Ed25519.verify(identity, signingInput, forged));
    assertFalse(Ed25519.verify(identity, "anything".getBytes(StandardCharsets.US_ASCII), forged));
  }

  @Test
  void neverThrowsOnGarbage() {
    assertFalse(Ed25519.verify((byte[]) null, signingInput, signature));
    assertFalse(Ed25519.verify(x, null, signature));
    assertFalse(Ed25519.verify(x, signingInput, null));
    assertFalse(Ed25519.verify((Ed25519.PublicKey) null, signingInput, signature));
    byte[] ff = new byte[32];
    Arrays.fill(ff, (byte) 0xff);
    assertFalse(Ed25519.verify(ff, signingInput, signature));
    byte[] allFf = new byte[64];
    Arrays.fill(allFf, (byte) 0xff);
    assertFalse(Ed25519.verify(x, signingInput, allFf));
  }

  static byte[] flip(byte[] bytes, int bit) {
    byte[] copy = bytes.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  static BigInteger littleEndian(byte[] le) {
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  static byte[] toLittleEndian(BigInteger v) {
    byte[] out = new byte[32];
    byte[] be = v.toByteArray();
    for (int i = 0; i < be.length && i < 33; i++) {
      int idx = be.length - 1 - i;
      if (i < 32) {
        out[i] = be[idx];
      }
    }
    return out;
  }
}
