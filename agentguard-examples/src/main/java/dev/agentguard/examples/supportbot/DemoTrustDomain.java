package dev.agentguard.examples.supportbot;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * A throwaway SPIFFE trust domain for the demo: one P-256 JWT authority that mints JWT-SVIDs, and
 * its trust bundle in the SPIFFE bundle format. In production the SVIDs come from SPIRE (or another
 * SPIFFE implementation) through the Workload API; the bundle from its bundle endpoint.
 */
final class DemoTrustDomain {
  private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
  private final String trustDomain;
  private final KeyPair key;

  DemoTrustDomain(String trustDomain) throws GeneralSecurityException {
    this.trustDomain = trustDomain;
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    this.key = g.generateKeyPair();
  }

  /** The trust bundle: a JWK set with the JWT authority ({@code use: jwt-svid}). */
  String bundleJson() {
    ECPublicKey pub = (ECPublicKey) key.getPublic();
    return "{\"trust_domain\":\"" + trustDomain + "\",\"keys\":[{\"use\":\"jwt-svid\",\"kid\":\"demo-authority\","
        + "\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + B64U.encodeToString(fixed(pub.getW().getAffineX()))
        + "\",\"y\":\"" + B64U.encodeToString(fixed(pub.getW().getAffineY())) + "\"}]}";
  }

  /** A JWT-SVID (ES256) for a workload of this trust domain. */
  String mintJwtSvid(String spiffeId, String audience, Instant now) throws GeneralSecurityException {
    String header = "{\"alg\":\"ES256\",\"kid\":\"demo-authority\",\"typ\":\"JWT\"}";
    String claims = "{\"sub\":\"" + spiffeId + "\",\"aud\":[\"" + audience + "\"],\"iat\":" + now.getEpochSecond()
        + ",\"exp\":" + (now.getEpochSecond() + 300) + "}";
    String input = B64U.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + B64U.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(key.getPrivate());
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64U.encodeToString(s.sign());
  }

  private static byte[] fixed(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int from = Math.max(0, b.length - 32);
    System.arraycopy(b, from, out, 32 - (b.length - from), b.length - from);
    return Arrays.copyOf(out, 32);
  }
}
