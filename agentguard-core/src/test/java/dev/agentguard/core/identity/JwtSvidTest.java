package dev.agentguard.core.identity;

import dev.agentguard.core.TestClock;
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
import static dev.agentguard.core.identity.Pki.b64u;
import static dev.agentguard.core.identity.Pki.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.IdentityException;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JWT-SVID verification: docs/security-cases.md #12-#17. */
class JwtSvidTest {
  static final String TD = "acme.example";
  static final String AGENT = "spiffe://acme.example/agent/support-bot";
  static final String AUD = "agentguard-tools";
  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  static final long EXP = NOW.getEpochSecond() + 300;

  final TestClock clock = new TestClock(NOW);
  final SvidVerifier verifier = verifier(Duration.ofSeconds(30));
  SvidVerifier other;

  SvidVerifier verifier(Duration leeway) {
    TrustBundle acme = TrustBundle.parse(Pki.bundle(TD,
        Pki.jwtJwk("ec256", Pki.P256.getPublic()),
        Pki.jwtJwk("ec384", Pki.P384.getPublic()),
        Pki.jwtJwk("rsa", Pki.RSA.getPublic()),
        "{\"use\":\"jwt-svid\",\"kid\":\"rsa-rs256-only\",\"alg\":\"RS256\"," + Pki.jwkMembers(Pki.RSA.getPublic()) + "}"));
    TrustBundle partner = TrustBundle.parse(Pki.bundle("partner.example",
        Pki.jwtJwk("partner-key", Pki.P256_OTHER.getPublic())));
    return SvidVerifier.builder().trustBundle(acme).trustBundle(partner).audience(AUD).clock(clock)
        .leeway(leeway).build();
  }

  @AfterEach
  void close() {
    verifier.close();
    if (other != null) {
      other.close();
    }
  }

  static String header(String alg, String kid) {
    return "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}";
  }

  static String claims(String sub, String aud, long exp) {
    return "{\"sub\":\"" + sub + "\",\"aud\":[\"" + aud + "\"],\"exp\":" + exp + ",\"iat\":"
        + (NOW.getEpochSecond() - 10) + "}";
  }

  static String es256(String claimsJson) {
    return sign("ES256", Pki.P256.getPrivate(), header("ES256", "ec256"), claimsJson);
  }

  static String valid() {
    return es256(claims(AGENT, AUD, EXP));
  }

  void assertReject(IdentityException.Reason reason, String token) {
    IdentityException e = assertThrows(IdentityException.class, () -> verifier.verifyJwtSvid(token));
    assertEquals(reason, e.reason(), e.getMessage());
    if (token.length() > 8) {
      assertFalse(e.getMessage().contains(token), "message must not contain the token");
    }
  }

  // ---- accepted ----

  @Test
  void acceptsEs256Es384Rs256Ps256() {
    String c = claims(AGENT, AUD, EXP);
    for (String token : new String[] {
        sign("ES256", Pki.P256.getPrivate(), header("ES256", "ec256"), c),
        sign("ES384", Pki.P384.getPrivate(), header("ES384", "ec384"), c),
        sign("RS256", Pki.RSA.getPrivate(), header("RS256", "rsa"), c),
        sign("PS256", Pki.RSA.getPrivate(), header("PS256", "rsa"), c),
        sign("RS256", Pki.RSA.getPrivate(), header("RS256", "rsa-rs256-only"), c)}) {
      AgentIdentity agent = verifier.verifyJwtSvid(token);
      assertEquals(AGENT, agent.id());
      assertTrue(agent.verified());
      assertEquals(Optional.of("jwt-svid"), agent.proof());
      assertEquals(Optional.of(TD), agent.trustDomain());
      assertEquals(Optional.of("/agent/support-bot"), agent.path());
      assertEquals(Map.of("verified", true, "trustDomain", TD, "proof", "jwt-svid"), agent.attributes());
    }
  }

  @Test
  void acceptsAudienceAsStringAndTypJoseOrAbsent() {
    verifier.verifyJwtSvid(es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + "}"));
    String c = claims(AGENT, AUD, EXP);
    verifier.verifyJwtSvid(sign("ES256", Pki.P256.getPrivate(), "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"typ\":\"JOSE\"}", c));
    verifier.verifyJwtSvid(sign("ES256", Pki.P256.getPrivate(), "{\"alg\":\"ES256\",\"kid\":\"ec256\"}", c));
  }

  @Test
  void acceptsSubjectOfAFederatedTrustDomainWithItsOwnKey() {
    String token = sign("ES256", Pki.P256_OTHER.getPrivate(), header("ES256", "partner-key"),
        claims("spiffe://partner.example/agent", AUD, EXP));
    assertEquals(Optional.of("partner.example"), verifier.verifyJwtSvid(token).trustDomain());
  }

  // ---- case 12: algorithms ----

  @Test
  void rejectsAlgNone() {
    String input = b64u("{\"alg\":\"none\",\"kid\":\"ec256\"}") + "." + b64u(claims(AGENT, AUD, EXP));
    assertReject(UNSUPPORTED_ALGORITHM, input + "." + b64u("sig"));
    assertReject(MALFORMED, input + ".");
  }

  @Test
  void rejectsHs256KeyedWithThePublicKey() throws Exception {
    for (byte[] secret : new byte[][] {Pki.P256.getPublic().getEncoded(),
        Pki.jwtJwk("ec256", Pki.P256.getPublic()).getBytes(StandardCharsets.UTF_8)}) {
      String input = b64u(header("HS256", "ec256")) + "." + b64u(claims(AGENT, AUD, EXP));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      assertReject(UNSUPPORTED_ALGORITHM, input + "." + b64u(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))));
    }
  }

  @Test
  void rejectsEdDsa() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertReject(UNSUPPORTED_ALGORITHM, sign("EdDSA", ed.getPrivate(), header("EdDSA", "ec256"), claims(AGENT, AUD, EXP)));
  }

  @Test
  void rejectsTaskCredentialPresentedAsJwtSvid() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String claims = "{\"iss\":\"agentguard\",\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"jti\":\"abc\","
        + "\"iat\":" + NOW.getEpochSecond() + ",\"nbf\":" + NOW.getEpochSecond() + ",\"exp\":" + EXP
        + ",\"tid\":\"task-1\",\"scp\":[\"crm.*\"]}";
    String taskCredential = sign("EdDSA", ed.getPrivate(),
        "{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"ec256\"}", claims);
    assertReject(WRONG_TYPE, taskCredential);
    // the same token re-typed as a plain JWT is still refused for its algorithm
    assertReject(UNSUPPORTED_ALGORITHM, sign("EdDSA", ed.getPrivate(),
        "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"ec256\"}", claims));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS384", "HS512", "RS384", "RS512", "PS384", "ES512", "ES256K", "es256", "Ed25519", ""})
  void rejectsOtherAlgorithms(String alg) {
    assertReject(UNSUPPORTED_ALGORITHM, sign("ES256", Pki.P256.getPrivate(), header(alg, "ec256"), claims(AGENT, AUD, EXP)));
  }

  @Test
  void rejectsMissingAlg() {
    assertReject(UNSUPPORTED_ALGORITHM, sign("ES256", Pki.P256.getPrivate(), "{\"kid\":\"ec256\"}", claims(AGENT, AUD, EXP)));
    assertReject(UNSUPPORTED_ALGORITHM, sign("ES256", Pki.P256.getPrivate(), "{\"alg\":null,\"kid\":\"ec256\"}", claims(AGENT, AUD, EXP)));
    assertReject(UNSUPPORTED_ALGORITHM, sign("ES256", Pki.P256.getPrivate(), "{\"alg\":[\"ES256\"],\"kid\":\"ec256\"}", claims(AGENT, AUD, EXP)));
  }

  @Test
  void rejectsAlgKeyMismatch() {
    String c = claims(AGENT, AUD, EXP);
    assertReject(KEY_MISMATCH, sign("ES256", Pki.P256.getPrivate(), header("ES256", "rsa"), c));
    assertReject(KEY_MISMATCH, sign("ES256", Pki.P256.getPrivate(), header("ES256", "ec384"), c));
    assertReject(KEY_MISMATCH, sign("ES384", Pki.P384.getPrivate(), header("ES384", "ec256"), c));
    assertReject(KEY_MISMATCH, sign("RS256", Pki.RSA.getPrivate(), header("RS256", "ec256"), c));
    assertReject(KEY_MISMATCH, sign("PS256", Pki.RSA.getPrivate(), header("PS256", "rsa-rs256-only"), c));
  }

  @Test
  void rejectsSignatureOfAnotherKeyOrAlgorithmVariant() {
    String c = claims(AGENT, AUD, EXP);
    // PS256 signature under an RS256 header and vice versa
    String ps = sign("PS256", Pki.RSA.getPrivate(), header("RS256", "rsa"), c);
    assertReject(BAD_SIGNATURE, ps);
    assertReject(BAD_SIGNATURE, sign("RS256", Pki.RSA.getPrivate(), header("PS256", "rsa"), c));
    assertReject(BAD_SIGNATURE, sign("ES256", Pki.P256_OTHER.getPrivate(), header("ES256", "ec256"), c));
  }

  // ---- case 13: headers ----

  @ParameterizedTest
  @ValueSource(strings = {"jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "cty", "b64", "zip", "foo"})
  void rejectsForbiddenHeaders(String name) {
    String value = name.equals("x5c") ? "[\"MIIB\"]" : name.equals("jwk")
        ? "{" + Pki.jwkMembers(Pki.P256.getPublic()) + "}" : name.equals("b64") ? "false" : "\"x\"";
    String h = "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"" + name + "\":" + value + "}";
    assertReject(UNSUPPORTED_HEADER, sign("ES256", Pki.P256.getPrivate(), h, claims(AGENT, AUD, EXP)));
  }

  @Test
  void rejectsCrit() {
    String h = "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"crit\":[\"exp\"],\"exp\":1}";
    assertReject(UNSUPPORTED_HEADER, sign("ES256", Pki.P256.getPrivate(), h, claims(AGENT, AUD, EXP)));
    String h2 = "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"crit\":[\"unknown-ext\"]}";
    assertReject(UNSUPPORTED_HEADER, sign("ES256", Pki.P256.getPrivate(), h2, claims(AGENT, AUD, EXP)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"jwt\"", "\"at+jwt\"", "\"agentguard-task+jwt\"", "\"\"", "1", "null"})
  void rejectsWrongTyp(String typ) {
    String h = "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"typ\":" + typ + "}";
    assertReject(WRONG_TYPE, sign("ES256", Pki.P256.getPrivate(), h, claims(AGENT, AUD, EXP)));
  }

  @Test
  void rejectsUnknownOrMissingKid() {
    String c = claims(AGENT, AUD, EXP);
    assertReject(UNKNOWN_KEY, sign("ES256", Pki.P256.getPrivate(), header("ES256", "nope"), c));
    assertReject(UNKNOWN_KEY, sign("ES256", Pki.P256.getPrivate(), "{\"alg\":\"ES256\"}", c));
    assertReject(UNKNOWN_KEY, sign("ES256", Pki.P256.getPrivate(), "{\"alg\":\"ES256\",\"kid\":\"\"}", c));
    assertReject(UNKNOWN_KEY, sign("ES256", Pki.P256.getPrivate(), "{\"alg\":\"ES256\",\"kid\":7}", c));
  }

  @Test
  void rejectsKidOfAnotherTrustDomain() {
    // signed with the partner's key, but claiming an acme.example subject
    assertReject(UNKNOWN_KEY, sign("ES256", Pki.P256_OTHER.getPrivate(), header("ES256", "partner-key"),
        claims(AGENT, AUD, EXP)));
  }

  // ---- case 14: signatures ----

  @Test
  void rejectsEveryFlippedBitOfTheSignature() {
    for (String token : new String[] {valid(),
        sign("RS256", Pki.RSA.getPrivate(), header("RS256", "rsa"), claims(AGENT, AUD, EXP))}) {
      String[] p = token.split("\\.");
      byte[] sig = Base64.getUrlDecoder().decode(p[2]);
      for (int bit = 0; bit < sig.length * 8; bit++) {
        byte[] s = sig.clone();
        s[bit / 8] ^= (byte) (1 << (bit % 8));
        assertReject(BAD_SIGNATURE, p[0] + "." + p[1] + "." + b64u(s));
      }
    }
  }

  @Test
  void rejectsEveryFlippedBitOfHeaderAndClaims() {
    String[] p = valid().split("\\.");
    for (int part = 0; part < 2; part++) {
      byte[] bytes = Base64.getUrlDecoder().decode(p[part]);
      for (int bit = 0; bit < bytes.length * 8; bit++) {
        byte[] b = bytes.clone();
        b[bit / 8] ^= (byte) (1 << (bit % 8));
        String[] q = p.clone();
        q[part] = b64u(b);
        String token = String.join(".", q);
        assertThrows(IdentityException.class, () -> verifier.verifyJwtSvid(token), "bit " + bit + " of part " + part);
      }
    }
  }

  @Test
  void rejectsChangedClaimWithBadSignature() {
    String[] p = valid().split("\\.");
    String forged = claims(AGENT.replace("support-bot", "admin-bot"), AUD, EXP);
    assertReject(BAD_SIGNATURE, p[0] + "." + b64u(forged) + "." + p[2]);
  }

  @Test
  void rejectsTruncatedAndOverlongSignatures() {
    String[] p = valid().split("\\.");
    byte[] sig = Base64.getUrlDecoder().decode(p[2]);
    assertReject(BAD_SIGNATURE, p[0] + "." + p[1] + "." + b64u(Arrays.copyOf(sig, 63)));
    assertReject(BAD_SIGNATURE, p[0] + "." + p[1] + "." + b64u(Arrays.copyOf(sig, 65)));
    assertReject(BAD_SIGNATURE, p[0] + "." + p[1] + "." + b64u(Arrays.copyOf(sig, 1)));
    // a DER-encoded ECDSA signature is not the JWS form
    byte[] der = new byte[72];
    der[0] = 0x30;
    assertReject(BAD_SIGNATURE, p[0] + "." + p[1] + "." + b64u(der));
  }

  @Test
  void rejectsAllZeroAndOutOfRangeEcdsaSignatures() {
    String[] p = valid().split("\\.");
    byte[] sig = Base64.getUrlDecoder().decode(p[2]);
    String prefix = p[0] + "." + p[1] + ".";
    assertReject(BAD_SIGNATURE, prefix + b64u(new byte[64]));
    byte[] zeroR = sig.clone();
    Arrays.fill(zeroR, 0, 32, (byte) 0);
    assertReject(BAD_SIGNATURE, prefix + b64u(zeroR));
    byte[] zeroS = sig.clone();
    Arrays.fill(zeroS, 32, 64, (byte) 0);
    assertReject(BAD_SIGNATURE, prefix + b64u(zeroS));
    byte[] n = Pki.fixed(((java.security.interfaces.ECPublicKey) Pki.P256.getPublic()).getParams().getOrder(), 32);
    byte[] rIsN = sig.clone();
    System.arraycopy(n, 0, rIsN, 0, 32);
    assertReject(BAD_SIGNATURE, prefix + b64u(rIsN));
    byte[] sIsN = sig.clone();
    System.arraycopy(n, 0, sIsN, 32, 32);
    assertReject(BAD_SIGNATURE, prefix + b64u(sIsN));
    byte[] ff = new byte[64];
    Arrays.fill(ff, (byte) 0xff);
    assertReject(BAD_SIGNATURE, prefix + b64u(ff));
  }

  @Test
  void rejectsAllZeroRsaSignature() {
    String[] p = sign("RS256", Pki.RSA.getPrivate(), header("RS256", "rsa"), claims(AGENT, AUD, EXP)).split("\\.");
    assertReject(BAD_SIGNATURE, p[0] + "." + p[1] + "." + b64u(new byte[256]));
  }

  // ---- case 15: parsing ----

  @Test
  void rejectsNonCanonicalBase64Url() {
    String t = valid();
    String[] p = t.split("\\.");
    assertReject(MALFORMED, p[0] + "=." + p[1] + "." + p[2]);
    assertReject(MALFORMED, p[0] + "." + p[1] + "." + p[2] + "==");
    assertReject(MALFORMED, p[0] + "." + p[1].replace('-', '+').replace('_', '/') + "x" + "." + p[2]);
    assertReject(MALFORMED, p[0] + "." + p[1] + " ." + p[2]);
    assertReject(MALFORMED, " " + t);
    assertReject(MALFORMED, t + "\n");
    assertReject(MALFORMED, p[0] + "." + p[1] + "." + Base64.getEncoder().encodeToString(
        Base64.getUrlDecoder().decode(p[2])).replace("=", "") + "+/");
    // same bytes, non-zero unused trailing bits: 64 bytes -> 86 chars, the last char carries 2 spare bits
    char last = p[2].charAt(p[2].length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    assertReject(MALFORMED, p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 1) + sibling);
  }

  @Test
  void rejectsWrongNumberOfParts() {
    String t = valid();
    assertReject(MALFORMED, t + ".x");
    assertReject(MALFORMED, t.substring(0, t.lastIndexOf('.')));
    assertReject(MALFORMED, "." + t);
    assertReject(MALFORMED, "");
    assertReject(MALFORMED, "..");
    assertThrows(IdentityException.class, () -> verifier.verifyJwtSvid(null));
  }

  @Test
  void rejectsDuplicateJsonNames() {
    assertReject(MALFORMED, sign("ES256", Pki.P256.getPrivate(),
        "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"alg\":\"ES256\"}", claims(AGENT, AUD, EXP)));
    assertReject(MALFORMED, es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP
        + ",\"sub\":\"spiffe://acme.example/agent/admin\"}"));
  }

  @Test
  void rejectsDeepNesting() {
    String deep = "[".repeat(50) + "]".repeat(50);
    assertReject(MALFORMED, es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP
        + ",\"x\":" + deep + "}"));
    assertReject(MALFORMED, sign("ES256", Pki.P256.getPrivate(),
        "{\"alg\":\"ES256\",\"kid\":\"ec256\",\"typ\":" + deep + "}", claims(AGENT, AUD, EXP)));
  }

  @Test
  void rejectsNonObjectJsonAndTrailingData() {
    assertReject(MALFORMED, es256("[1]"));
    assertReject(MALFORMED, es256(claims(AGENT, AUD, EXP) + "{}"));
    assertReject(MALFORMED, es256("not json"));
  }

  @Test
  void rejectsOversizedTokenBeforeCrypto() {
    String pad = "x".repeat(8192);
    String big = es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"pad\":\"" + pad + "\"}");
    assertReject(MALFORMED, big);
    assertReject(MALFORMED, "a".repeat(1_000_000));
  }

  // ---- case 16: times ----

  @ParameterizedTest
  @ValueSource(strings = {"", ",\"exp\":\"1893456000\"", ",\"exp\":1893456000.0", ",\"exp\":1.8934560E9",
      ",\"exp\":1e30", ",\"exp\":9223372036854775808", ",\"exp\":99999999999999999999999",
      ",\"exp\":253402300800", ",\"exp\":-1", ",\"exp\":null", ",\"exp\":true", ",\"exp\":[1893456000]"})
  void rejectsMissingOrMalformedExp(String exp) {
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\"" + exp + "}"));
  }

  @Test
  void rejectsMalformedNbfAndIat() {
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"nbf\":\"0\"}"));
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"iat\":1.5}"));
  }

  @Test
  void expBoundaryWithoutLeeway() {
    other = verifier(Duration.ZERO);
    String token = valid();
    clock.set(Instant.ofEpochSecond(EXP - 1));
    assertTrue(other.verifyJwtSvid(token).verified());
    clock.set(Instant.ofEpochSecond(EXP).minusMillis(1));
    assertTrue(other.verifyJwtSvid(token).verified());
    clock.set(Instant.ofEpochSecond(EXP));
    assertEquals(EXPIRED, assertThrows(IdentityException.class, () -> other.verifyJwtSvid(token)).reason());
    clock.set(Instant.ofEpochSecond(EXP + 1));
    assertEquals(EXPIRED, assertThrows(IdentityException.class, () -> other.verifyJwtSvid(token)).reason());
  }

  @Test
  void expBoundaryWithDefaultLeeway() {
    String token = valid();
    clock.set(Instant.ofEpochSecond(EXP + 29));
    assertTrue(verifier.verifyJwtSvid(token).verified());
    clock.set(Instant.ofEpochSecond(EXP + 30));
    assertReject(EXPIRED, token);
    clock.set(Instant.ofEpochSecond(EXP + 31));
    assertReject(EXPIRED, token);
  }

  @Test
  void nbfAndIatInTheFutureBoundaries() {
    long now = NOW.getEpochSecond();
    String nbf30 = es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"nbf\":" + (now + 30) + "}");
    String nbf31 = es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"nbf\":" + (now + 31) + "}");
    String iat31 = es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"iat\":" + (now + 31) + "}");
    assertTrue(verifier.verifyJwtSvid(nbf30).verified());
    assertReject(NOT_YET_VALID, nbf31);
    assertReject(NOT_YET_VALID, iat31);
    other = verifier(Duration.ZERO);
    String nbf1 = es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"" + AUD + "\",\"exp\":" + EXP + ",\"nbf\":" + (now + 1) + "}");
    assertEquals(NOT_YET_VALID, assertThrows(IdentityException.class, () -> other.verifyJwtSvid(nbf1)).reason());
    clock.set(Instant.ofEpochSecond(now + 1));
    assertTrue(other.verifyJwtSvid(nbf1).verified());
  }

  // ---- claims ----

  @Test
  void rejectsWrongAudience() {
    assertReject(WRONG_AUDIENCE, es256(claims(AGENT, "other-service", EXP)));
    assertReject(WRONG_AUDIENCE, es256("{\"sub\":\"" + AGENT + "\",\"aud\":\"agentguard-tool\",\"exp\":" + EXP + "}"));
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"exp\":" + EXP + "}"));
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"aud\":[],\"exp\":" + EXP + "}"));
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"aud\":[\"" + AUD + "\",1],\"exp\":" + EXP + "}"));
    assertReject(INVALID_CLAIMS, es256("{\"sub\":\"" + AGENT + "\",\"aud\":1,\"exp\":" + EXP + "}"));
  }

  @Test
  void rejectsSubjectOfUntrustedTrustDomain() {
    assertReject(UNTRUSTED_TRUST_DOMAIN, es256(claims("spiffe://evil.example/agent/support-bot", AUD, EXP)));
    assertReject(UNTRUSTED_TRUST_DOMAIN, es256(claims("spiffe://acme.example.evil/agent", AUD, EXP)));
  }

  @Test
  void rejectsInvalidSubject() {
    assertReject(INVALID_SPIFFE_ID, es256(claims("spiffe://ACME.example/agent", AUD, EXP)));
    assertReject(INVALID_SPIFFE_ID, es256(claims("spiffe://acme.example/agent/../admin", AUD, EXP)));
    assertReject(INVALID_SPIFFE_ID, es256(claims("support-bot", AUD, EXP)));
    assertReject(INVALID_CLAIMS, es256("{\"aud\":\"" + AUD + "\",\"exp\":" + EXP + "}"));
    assertReject(INVALID_CLAIMS, es256("{\"sub\":1,\"aud\":\"" + AUD + "\",\"exp\":" + EXP + "}"));
  }

  // ---- builder ----

  @Test
  void builderValidatesOptions() {
    assertThrows(IllegalArgumentException.class, () -> SvidVerifier.builder().leeway(Duration.ofMinutes(6)));
    assertThrows(IllegalArgumentException.class, () -> SvidVerifier.builder().leeway(Duration.ofSeconds(-1)));
    assertThrows(IllegalStateException.class, () -> SvidVerifier.builder().audience("a").audience("b"));
    assertThrows(IllegalArgumentException.class, () -> SvidVerifier.builder().audience(" "));
    assertThrows(IllegalArgumentException.class, () -> SvidVerifier.builder().bundlePollInterval(Duration.ofMillis(5)));
    assertThrows(IllegalStateException.class, () -> SvidVerifier.builder().build());
    TrustBundle b = TrustBundle.parse(Pki.bundle(TD, Pki.jwtJwk("k", Pki.P256.getPublic())));
    assertThrows(IllegalArgumentException.class, () -> SvidVerifier.builder().trustBundle(b).trustBundle(b).build());
    try (SvidVerifier noAudience = SvidVerifier.builder().trustBundle(b).build()) {
      assertThrows(IllegalStateException.class, () -> noAudience.verifyJwtSvid(valid()));
    }
  }

  @Test
  void leewayOfFiveMinutesIsTheMaximum() {
    other = verifier(Duration.ofMinutes(5));
    clock.set(Instant.ofEpochSecond(EXP + 299));
    assertTrue(other.verifyJwtSvid(valid()).verified());
  }

  @Test
  void aTrustDomainEndingInADotIsTheSameIdAsInAnX509Svid() {
    // issue 20.4: AgentIdentity.of, the JWT-SVID sub and the X.509-SVID URI SAN judge it alike
    String id = "spiffe://trustdomain./path";
    try (SvidVerifier dotted = SvidVerifier.builder()
        .trustBundle(TrustBundle.parse(Pki.bundle("trustdomain.", Pki.jwtJwk("k", Pki.P256.getPublic()))))
        .audience(AUD).clock(clock).build()) {
      AgentIdentity agent = dotted.verifyJwtSvid(sign("ES256", Pki.P256.getPrivate(), header("ES256", "k"),
          claims(id, AUD, EXP)));
      assertEquals(id, agent.id());
      assertEquals(Optional.of("trustdomain."), agent.trustDomain());
    }
  }
}
