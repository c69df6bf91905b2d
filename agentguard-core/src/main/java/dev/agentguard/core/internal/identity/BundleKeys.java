package dev.agentguard.core.internal.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.core.internal.Base64Url;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

/**
 * The key elements of a SPIFFE bundle: which {@code jwt-svid} elements are ignored, and the strict
 * parsing of the EC and RSA keys that are used. Every failure is an IllegalArgumentException naming
 * the element ({@code keys[i]}), never key material. Stateless and thread-safe.
 */
final class BundleKeys {
  private BundleKeys() {}

  /**
   * Why AgentGuard could never use this jwt-svid element, or null when it is a key of a supported
   * type (which must then parse). Elements a verifier does not support are ignored (SPIFFE bundle
   * 4.2), so a bundle that also carries, say, a P-521 key still rotates and revokes keys; damage to
   * a key of a supported type (missing members, bad encoding, a point off the curve) and private
   * material reject the bundle instead.
   */
  static String unusableJwtKey(JsonNode jwk, String where) {
    for (String forbidden : List.of("d", "p", "q", "dp", "dq", "qi", "k")) {
      if (jwk.has(forbidden)) {
        throw new IllegalArgumentException(where + " holds private or symmetric key material");
      }
    }
    JsonNode kid = jwk.get("kid");
    if (kid == null || !kid.isTextual() || kid.textValue().isEmpty()) {
      throw new IllegalArgumentException(where + " (jwt-svid) has no 'kid'");
    }
    String kty = text(jwk, "kty", where);
    JsonNode alg = jwk.get("alg");
    if (alg != null) {
      if (!alg.isTextual()) {
        throw new IllegalArgumentException(where + " has an 'alg' that is not a string");
      }
      if (!JwtKey.ALGORITHMS.contains(alg.textValue())) {
        return "alg '" + JwtSvids.printable(alg.textValue()) + "' is not supported";
      }
    }
    switch (kty) {
      case "EC": {
        String crv = text(jwk, "crv", where);
        return crv.equals("P-256") || crv.equals("P-384") ? null
            : "curve '" + JwtSvids.printable(crv) + "' is not supported (P-256 and P-384 are)";
      }
      case "RSA": {
        int bits = new BigInteger(1, b64(jwk, "n", where)).bitLength();
        return bits >= JwtKey.MIN_RSA_BITS && bits <= JwtKey.MAX_RSA_BITS ? null
            : "RSA key of " + bits + " bits (" + JwtKey.MIN_RSA_BITS + " to " + JwtKey.MAX_RSA_BITS
                + " are accepted)";
      }
      default:
        return "key type '" + JwtSvids.printable(kty) + "' is not supported (EC and RSA are)";
    }
  }

  /** A supported jwt-svid element as a key; throws IllegalArgumentException naming it when damaged. */
  static JwtKey jwtKey(JsonNode jwk, String where) {
    JsonNode alg = jwk.get("alg");
    String pinnedAlg = alg == null ? null : alg.textValue();
    PublicKey key = publicKey(jwk, where);
    JwtKey k = JwtKey.of(jwk.get("kid").textValue(), key, pinnedAlg);
    if (pinnedAlg != null && !k.accepts(pinnedAlg)) {
      throw new IllegalArgumentException(where + " has an 'alg' that does not fit its key");
    }
    return k;
  }

  /** The EC (P-256/P-384, point checked) or RSA public key of a JWK. */
  static PublicKey publicKey(JsonNode jwk, String where) {
    JsonNode kty = jwk.get("kty");
    if (kty == null || !kty.isTextual()) {
      throw new IllegalArgumentException(where + " has no 'kty'");
    }
    try {
      switch (kty.textValue()) {
        case "EC": {
          String crv = text(jwk, "crv", where);
          String bcName;
          String jdkName;
          int size;
          if (crv.equals("P-256")) {
            bcName = "P-256";
            jdkName = "secp256r1";
            size = 32;
          } else if (crv.equals("P-384")) {
            bcName = "P-384";
            jdkName = "secp384r1";
            size = 48;
          } else {
            throw new IllegalArgumentException(where + " uses curve other than P-256 or P-384");
          }
          byte[] x = b64(jwk, "x", where);
          byte[] y = b64(jwk, "y", where);
          if (x.length != size || y.length != size) {
            throw new IllegalArgumentException(where + " has coordinates of the wrong length");
          }
          BigInteger bx = new BigInteger(1, x);
          BigInteger by = new BigInteger(1, y);
          X9ECParameters bc = ECNamedCurveTable.getByName(bcName);
          try {
            if (!bc.getCurve().validatePoint(bx, by).isValid()) {
              throw new IllegalArgumentException(where + " is not a point on " + crv);
            }
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not a point on " + crv);
          }
          ECParameterSpec params = EcCurves.params(jdkName);
          return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(bx, by), params));
        }
        case "RSA": {
          BigInteger n = new BigInteger(1, b64(jwk, "n", where));
          BigInteger e = new BigInteger(1, b64(jwk, "e", where));
          return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        }
        default:
          throw new IllegalArgumentException(where + " has unsupported kty (EC or RSA only)");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(where + " is not a valid public key", e);
    }
  }

  private static String text(JsonNode jwk, String name, String where) {
    JsonNode n = jwk.get(name);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException(where + " has no '" + name + "'");
    }
    return n.textValue();
  }

  private static byte[] b64(JsonNode jwk, String name, String where) {
    byte[] b = Base64Url.decodeCanonical(text(jwk, name, where));
    if (b == null || b.length == 0) {
      throw new IllegalArgumentException(where + " '" + name + "' is not canonical base64url");
    }
    return b;
  }
}
