package dev.agentguard.core.internal.identity;

import static dev.agentguard.IdentityException.Reason.BAD_SIGNATURE;
import static dev.agentguard.IdentityException.Reason.EXPIRED;
import static dev.agentguard.IdentityException.Reason.INVALID_CLAIMS;
import static dev.agentguard.IdentityException.Reason.INVALID_SPIFFE_ID;
import static dev.agentguard.IdentityException.Reason.KEY_MISMATCH;
import static dev.agentguard.IdentityException.Reason.MALFORMED;
import static dev.agentguard.IdentityException.Reason.NOT_YET_VALID;
import static dev.agentguard.IdentityException.Reason.UNKNOWN_KEY;
import static dev.agentguard.IdentityException.Reason.UNSUPPORTED_ALGORITHM;
import static dev.agentguard.IdentityException.Reason.UNSUPPORTED_HEADER;
import static dev.agentguard.IdentityException.Reason.UNTRUSTED_TRUST_DOMAIN;
import static dev.agentguard.IdentityException.Reason.WRONG_AUDIENCE;
import static dev.agentguard.IdentityException.Reason.WRONG_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.AgentIdentity;
import dev.agentguard.IdentityException;
import dev.agentguard.core.internal.Base64Url;
import dev.agentguard.core.internal.jose.JoseJson;
import dev.agentguard.core.internal.jose.NumericDate;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * JWT-SVID verification (SPIFFE JWT-SVID, RFC 7515/7519/8725). Stateless and thread-safe.
 *
 * <p>Order of checks: size; three canonical base64url parts; header JSON; header names (only alg,
 * kid, typ); typ; alg; kid; claims JSON; sub (SPIFFE ID); trust domain bundle; key; alg fits key;
 * signature; exp; nbf/iat; aud.
 */
final class JwtSvids {
  /** Largest token accepted, in characters. */
  static final int MAX_TOKEN_CHARS = 8192;

  private static final Set<String> ALLOWED_HEADERS = Set.of("alg", "kid", "typ");

  private JwtSvids() {}

  /** Verifies and returns the subject SPIFFE ID (not yet an identity). */
  static String verify(String token, Function<String, TrustBundles.TrustBundleImpl> bundles, String audience,
      long nowMillis, long leewayMillis) {
    if (token == null) {
      throw fail(MALFORMED, "token is null");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw fail(MALFORMED, "token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || dot2 == dot1 + 1 || token.indexOf('.', dot2 + 1) >= 0
        || dot2 == token.length() - 1) {
      throw fail(MALFORMED, "not a compact JWS of three non-empty parts");
    }
    byte[] headerBytes = Base64Url.decodeCanonical(token.substring(0, dot1));
    byte[] claimsBytes = Base64Url.decodeCanonical(token.substring(dot1 + 1, dot2));
    byte[] sig = Base64Url.decodeCanonical(token.substring(dot2 + 1));
    if (headerBytes == null || claimsBytes == null || sig == null) {
      throw fail(MALFORMED, "a part is not canonical base64url");
    }
    JsonNode header = JoseJson.SPIFFE.parseObject(headerBytes);
    if (header == null) {
      throw fail(MALFORMED, "header is not a JSON object (or has duplicate names or deep nesting)");
    }
    for (Iterator<String> names = header.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!ALLOWED_HEADERS.contains(name)) {
        throw fail(UNSUPPORTED_HEADER, "header '" + printable(name) + "' is not allowed");
      }
    }
    JsonNode typ = header.get("typ");
    if (typ != null && !(typ.isTextual() && (typ.textValue().equals("JWT") || typ.textValue().equals("JOSE")))) {
      throw fail(WRONG_TYPE, "typ must be JWT or JOSE");
    }
    JsonNode algNode = header.get("alg");
    if (algNode == null || !algNode.isTextual()) {
      throw fail(UNSUPPORTED_ALGORITHM, "alg header missing");
    }
    String alg = algNode.textValue();
    if (!JwtKey.ALGORITHMS.contains(alg)) {
      throw fail(UNSUPPORTED_ALGORITHM, "alg '" + printable(alg) + "' is not ES256, ES384, RS256 or PS256");
    }
    JsonNode kidNode = header.get("kid");
    if (kidNode == null || !kidNode.isTextual() || kidNode.textValue().isEmpty()) {
      throw fail(UNKNOWN_KEY, "kid header missing");
    }
    JsonNode claims = JoseJson.SPIFFE.parseObject(claimsBytes);
    if (claims == null) {
      throw fail(MALFORMED, "claims are not a JSON object (or have duplicate names or deep nesting)");
    }
    JsonNode sub = claims.get("sub");
    if (sub == null || !sub.isTextual()) {
      throw fail(INVALID_CLAIMS, "sub missing or not a string");
    }
    AgentIdentity subject;
    try {
      subject = AgentIdentity.of(sub.textValue());
    } catch (IllegalArgumentException e) {
      throw fail(INVALID_SPIFFE_ID, "sub: " + e.getMessage());
    }
    if (subject.trustDomain().isEmpty()) {
      throw fail(INVALID_SPIFFE_ID, "sub is not a SPIFFE ID");
    }
    TrustBundles.TrustBundleImpl bundle = bundles.apply(subject.trustDomain().get());
    if (bundle == null) {
      throw fail(UNTRUSTED_TRUST_DOMAIN, "no trust bundle for trust domain '" + subject.trustDomain().get() + "'");
    }
    JwtKey key = bundle.jwtKey(kidNode.textValue());
    if (key == null) {
      throw fail(UNKNOWN_KEY, "kid not in the bundle of '" + bundle.trustDomain() + "'");
    }
    if (!key.accepts(alg)) {
      throw fail(KEY_MISMATCH, "alg " + alg + " does not fit the key '" + printable(key.kid) + "'");
    }
    byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
    if (!signatureValid(alg, key, signingInput, sig)) {
      throw fail(BAD_SIGNATURE, "signature does not verify");
    }
    long exp = numericDate(claims, "exp", true);
    if (nowMillis >= exp * 1000 + leewayMillis) {
      throw fail(EXPIRED, "token expired");
    }
    long nbf = numericDate(claims, "nbf", false);
    if (nbf >= 0 && nbf * 1000 > nowMillis + leewayMillis) {
      throw fail(NOT_YET_VALID, "nbf lies in the future");
    }
    long iat = numericDate(claims, "iat", false);
    if (iat >= 0 && iat * 1000 > nowMillis + leewayMillis) {
      throw fail(NOT_YET_VALID, "iat lies in the future");
    }
    JsonNode aud = claims.get("aud");
    if (aud == null) {
      throw fail(INVALID_CLAIMS, "aud missing");
    }
    boolean found = false;
    if (aud.isTextual()) {
      found = aud.textValue().equals(audience);
    } else if (aud.isArray() && aud.size() > 0) {
      for (JsonNode a : aud) {
        if (!a.isTextual()) {
          throw fail(INVALID_CLAIMS, "aud holds a non-string");
        }
        found |= a.textValue().equals(audience);
      }
    } else {
      throw fail(INVALID_CLAIMS, "aud must be a string or a non-empty array of strings");
    }
    if (!found) {
      throw fail(WRONG_AUDIENCE, "aud does not contain the expected audience");
    }
    return subject.id();
  }

  /** An integral NumericDate in [0, NumericDate.MAX]; -1 when optional and absent. */
  private static long numericDate(JsonNode claims, String name, boolean required) {
    JsonNode n = claims.get(name);
    if (n == null) {
      if (required) {
        throw fail(INVALID_CLAIMS, name + " missing");
      }
      return -1;
    }
    try {
      return NumericDate.seconds(n);
    } catch (IllegalArgumentException e) {
      throw fail(INVALID_CLAIMS, name + " " + e.getMessage());
    }
  }

  private static boolean signatureValid(String alg, JwtKey key, byte[] input, byte[] sig) {
    try {
      Signature verifier;
      byte[] toVerify;
      switch (alg) {
        case "ES256":
        case "ES384": {
          BigInteger n = ((ECPublicKey) key.key).getParams().getOrder();
          int half = alg.equals("ES256") ? 32 : 48;
          if (sig.length != 2 * half) {
            return false;
          }
          BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, half));
          BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, half, 2 * half));
          if (r.signum() == 0 || s.signum() == 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
            return false;
          }
          ASN1EncodableVector v = new ASN1EncodableVector();
          v.add(new ASN1Integer(r));
          v.add(new ASN1Integer(s));
          toVerify = new DERSequence(v).getEncoded("DER");
          verifier = Signature.getInstance(alg.equals("ES256") ? "SHA256withECDSA" : "SHA384withECDSA");
          break;
        }
        case "RS256":
        case "PS256": {
          int modulusBytes = (((RSAPublicKey) key.key).getModulus().bitLength() + 7) / 8;
          if (sig.length != modulusBytes) {
            return false;
          }
          toVerify = sig;
          if (alg.equals("RS256")) {
            verifier = Signature.getInstance("SHA256withRSA");
          } else {
            verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
          }
          break;
        }
        default:
          return false;
      }
      verifier.initVerify(key.key);
      verifier.update(input);
      return verifier.verify(toVerify);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      return false;
    }
  }

  /** Attacker-controlled text made safe and short for a message. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 40; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
    }
    return s.length() > 40 ? b + "..." : b.toString();
  }

  static IdentityException fail(IdentityException.Reason reason, String message) {
    return new IdentityException(reason, message);
  }
}
