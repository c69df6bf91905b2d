package dev.agentguard.core.credential;

import dev.agentguard.core.TestClock;
import static dev.agentguard.core.credential.Tokens.T;
import static dev.agentguard.core.credential.Tokens.T0;
import static dev.agentguard.core.credential.Tokens.assertRejected;
import static dev.agentguard.core.credential.Tokens.b64;
import static dev.agentguard.core.credential.Tokens.claims;
import static dev.agentguard.core.credential.Tokens.header;
import static dev.agentguard.core.credential.Tokens.signed;
import static dev.agentguard.core.credential.Tokens.signedRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.CredentialClaims;
import dev.agentguard.CredentialException;
import dev.agentguard.CredentialException.Reason;
import dev.agentguard.TaskCredential;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.internal.credential.CredentialIssuer;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Every rejection path of the verifier (docs/security-cases.md #12-#17), each with its exact reason. */
class CredentialVerifierTest {
  final Ed25519SigningKey key = Ed25519SigningKey.generate();
  final Ed25519SigningKey otherKey = Ed25519SigningKey.generate();
  final TestClock clock = new TestClock(T0);
  final CredentialVerifier verifier =
      CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock).leeway(Duration.ZERO).build();
  final CredentialIssuer issuer = new CredentialIssuer(key, "agentguard", "agentguard-tools");

  String validToken() {
    return signed(key, header(key.keyId()), claims());
  }

  String withHeader(String headerJson) {
    return signed(key, headerJson, claims());
  }

  String withClaims(String claimsJson) {
    return signed(key, header(key.keyId()), claimsJson);
  }

  // ---- baseline: the hand-built token and an issued token verify, so every negative test differs
  // ---- from an accepted token in exactly the way it names.

  @Test
  void acceptsTheHandBuiltBaseline() {
    CredentialClaims c = verifier.verify(validToken());
    assertEquals("agentguard", c.issuer());
    assertEquals("agent-1", c.subject());
    assertEquals("agentguard-tools", c.audience());
    assertEquals("j-1", c.credentialId());
    assertEquals("task-1", c.taskId());
    assertEquals(List.of("fs.read", "web.*"), c.scopes());
    assertNull(c.onBehalfOf());
    assertEquals(T0, c.issuedAt());
    assertEquals(T0, c.notBefore());
    assertEquals(T0.plusSeconds(300), c.expiresAt());
    assertEquals(key.keyId(), c.keyId());
  }

  @Test
  void acceptsAnIssuedCredential() {
    TaskCredential cred = issuer.issue("agent-7", "task-9", List.of("db.query"), "alice", T0,
        T0.plusSeconds(60));
    CredentialClaims c = verifier.verify(cred.token());
    assertEquals(cred.id(), c.credentialId());
    assertEquals("agent-7", c.subject());
    assertEquals("task-9", c.taskId());
    assertEquals("alice", c.onBehalfOf());
    assertEquals(List.of("db.query"), c.scopes());
    assertEquals(cred.expiresAt(), c.expiresAt());
  }

  @Test
  void acceptsAVerifierBuiltFromThePublicJwks() {
    CredentialVerifier fromJwks = CredentialVerifier.builder().publicJwks(key.publicJwks())
        .clock(clock).build();
    assertEquals("agent-1", fromJwks.verify(validToken()).subject());
  }

  // ---- case 12: algorithm

  @Test
  void rejectsAlgNone() {
    String noneHeader = "{\"alg\":\"none\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId()
        + "\"}";
    // the classic form: empty signature part
    assertRejected(Reason.MALFORMED, verifier, b64(noneHeader) + "." + b64(claims()) + ".");
    // with a real Ed25519 signature attached: the alg itself is refused
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(noneHeader));
    String noneCaps = noneHeader.replace("\"none\"", "\"None\"");
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(noneCaps));
  }

  @Test
  void rejectsHs256KeyedWithThePublicKey() throws Exception {
    String hsHeader = "{\"alg\":\"HS256\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId()
        + "\"}";
    String input = b64(hsHeader) + "." + b64(claims());
    byte[][] hmacKeys = {
      key.publicKey(),
      key.publicJwks().getBytes(StandardCharsets.UTF_8),
      ("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(key.publicKey()) + "\"}")
          .getBytes(StandardCharsets.UTF_8),
    };
    for (byte[] hmacKey : hmacKeys) {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
      String token = input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
      assertRejected(Reason.UNSUPPORTED_HEADER, verifier, token);
    }
  }

  @Test
  void rejectsMissingAlg() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader("{\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId() + "\"}"));
  }

  @Test
  void rejectsAlgKeyMismatchAndOtherAlgNames() {
    for (String alg : List.of("ES256", "RS256", "PS256", "HS512", "EdDSA ", "eddsa", "Ed448",
        "Ed25519")) {
      String h = "{\"alg\":\"" + alg + "\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId()
          + "\"}";
      assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(h));
    }
    String nonString = "{\"alg\":[\"EdDSA\"],\"typ\":\"agentguard-task+jwt\",\"kid\":\""
        + key.keyId() + "\"}";
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(nonString));
  }

  // ---- case 13: headers that bring their own key, crit

  String headerWith(String extraMember) {
    return "{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId() + "\","
        + extraMember + "}";
  }

  @Test
  void rejectsEmbeddedJwkHeader() {
    // attacker signs with their own key and embeds it
    String attackerJwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(otherKey.publicKey())
        + "\"}";
    String attackerHeader = "{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\",\"kid\":\""
        + otherKey.keyId() + "\",\"jwk\":" + attackerJwk + "}";
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, signed(otherKey, attackerHeader, claims()));
    // even when the signature is genuinely ours, an embedded key is refused
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(headerWith("\"jwk\":"
        + "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(key.publicKey()) + "\"}")));
  }

  @Test
  void rejectsJku() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"jku\":\"https://attacker.example/jwks.json\"")));
  }

  @Test
  void rejectsX5u() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"x5u\":\"https://attacker.example/cert.pem\"")));
  }

  @Test
  void rejectsX5c() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"x5c\":[\"MIIBszCCAVmgAwIBAgIU\"]")));
  }

  @Test
  void rejectsX5tAndX5tS256() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"x5t\":\"" + b64(new byte[20]) + "\"")));
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"x5t#S256\":\"" + b64(new byte[32]) + "\"")));
  }

  @Test
  void rejectsUnknownCrit() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"crit\":[\"exp\"],\"exp\":1")));
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"crit\":[\"urn:example:ext\"]")));
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(headerWith("\"crit\":[]")));
  }

  @Test
  void rejectsB64Header() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier,
        withHeader(headerWith("\"b64\":false,\"crit\":[\"b64\"]")));
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(headerWith("\"b64\":true")));
  }

  @Test
  void rejectsUnknownHeaderParameter() {
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(headerWith("\"cty\":\"JWT\"")));
    assertRejected(Reason.UNSUPPORTED_HEADER, verifier, withHeader(headerWith("\"zip\":\"DEF\"")));
  }

  // ---- case 14: signature bytes

  @Test
  void rejectsFlippedBitAnywhere() {
    String token = validToken();
    verifier.verify(token); // now cached: the cache must not help any mutation through
    String[] parts = token.split("\\.");
    for (int p = 0; p < 3; p++) {
      byte[] raw = Tokens.unb64(parts[p]);
      for (int bit = 0; bit < raw.length * 8; bit++) {
        byte[] mutated = Ed25519VectorTest.flip(raw, bit);
        String[] copy = parts.clone();
        copy[p] = b64(mutated);
        String bad = String.join(".", copy);
        CredentialException e =
            assertThrows(CredentialException.class, () -> verifier.verify(bad), "part " + p);
        Set<Reason> allowed = p == 2 ? EnumSet.of(Reason.BAD_SIGNATURE)
            : p == 1 ? EnumSet.of(Reason.BAD_SIGNATURE, Reason.MALFORMED)
            : EnumSet.of(Reason.BAD_SIGNATURE, Reason.MALFORMED, Reason.WRONG_TYPE,
                Reason.UNSUPPORTED_HEADER);
        assertTrue(allowed.contains(e.reason()), "part " + p + " bit " + bit + ": " + e.reason());
      }
    }
  }

  @Test
  void rejectsTruncatedSignature() {
    String token = validToken();
    byte[] sig = Tokens.signatureOf(token);
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        Tokens.withSignature(token, Arrays.copyOf(sig, 63)));
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        Tokens.withSignature(token, Arrays.copyOf(sig, 32)));
    // dropping one character leaves an impossible base64 length
    assertRejected(Reason.MALFORMED, verifier, token.substring(0, token.length() - 1));
  }

  @Test
  void rejectsOverlongSignature() {
    String token = validToken();
    byte[] sig = Tokens.signatureOf(token);
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        Tokens.withSignature(token, Arrays.copyOf(sig, 65)));
    byte[] doubled = Arrays.copyOf(sig, 128);
    System.arraycopy(sig, 0, doubled, 64, 64);
    assertRejected(Reason.BAD_SIGNATURE, verifier, Tokens.withSignature(token, doubled));
  }

  @Test
  void rejectsAllZeroSignature() {
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        Tokens.withSignature(validToken(), new byte[64]));
  }

  @Test
  void rejectsNonCanonicalS() {
    String token = validToken();
    byte[] sig = Tokens.signatureOf(token);
    BigInteger s = Ed25519VectorTest.littleEndian(Arrays.copyOfRange(sig, 32, 64));
    byte[] forged = sig.clone();
    System.arraycopy(Ed25519VectorTest.toLittleEndian(s.add(Ed25519VectorTest.L)), 0, forged, 32,
        32);
    assertRejected(Reason.BAD_SIGNATURE, verifier, Tokens.withSignature(token, forged));
  }

  @Test
  void rejectsSignatureByAnotherKeyUnderOurKid() {
    assertRejected(Reason.BAD_SIGNATURE, verifier, signed(otherKey, header(key.keyId()), claims()));
  }

  @Test
  void rejectsUnknownKid() {
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        signed(otherKey, header(otherKey.keyId()), claims()));
  }

  @Test
  void rejectsMissingOrNonStringKid() {
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        withHeader("{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\"}"));
    assertRejected(Reason.BAD_SIGNATURE, verifier,
        withHeader("{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\",\"kid\":42}"));
  }

  @Test
  void rejectsSmallOrderPublicKey() {
    // identity point (y = 1): the builder refuses to trust it, so no forged token can verify
    String jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAA\"}]}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CredentialVerifier.builder().publicJwks(jwks));
    assertTrue(e.getMessage().contains("small-order"), e.getMessage());
  }

  // ---- case 15: encoding and JSON, before crypto

  @Test
  void rejectsPaddingPlusSlashAndWhitespaceInBase64() {
    String token = validToken();
    int d1 = token.indexOf('.');
    int d2 = token.lastIndexOf('.');
    List<String> bad = List.of(
        token.substring(0, d1) + "=" + token.substring(d1),                 // padding in header
        token.substring(0, d2) + "=" + token.substring(d2),                 // padding in payload
        token + "==",                                                       // padding in signature
        token.substring(0, 5) + "+" + token.substring(6),                   // '+' in header
        token.substring(0, d1 + 3) + "/" + token.substring(d1 + 4),         // '/' in payload
        token.substring(0, d2 + 3) + "+" + token.substring(d2 + 4),         // '+' in signature
        " " + token,
        token + "\n",
        token.substring(0, d1) + " " + token.substring(d1),
        token.substring(0, d2 + 10) + "\t" + token.substring(d2 + 10),
        token.substring(0, d2 + 10) + "\r\n" + token.substring(d2 + 10),
        token.substring(0, 4) + "\u00e9" + token.substring(5));             // non-ASCII
    for (String t : bad) {
      assertRejected(Reason.MALFORMED, verifier, t);
    }
  }

  @Test
  void rejectsNonZeroTrailingBitsInBase64() {
    // 64 bytes encode to 86 characters; the last carries 4 unused bits that must be zero.
    // A decoder that ignored them would accept this second spelling of the same signature.
    String token = validToken();
    char last = token.charAt(token.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char twin = alphabet.charAt(alphabet.indexOf(last) + 1);
    assertRejected(Reason.MALFORMED, verifier, token.substring(0, token.length() - 1) + twin);
  }

  @Test
  void rejectsWrongNumberOfParts() {
    String token = validToken();
    String[] p = token.split("\\.");
    for (String t : List.of("", ".", "..", "...", p[0], p[0] + "." + p[1], token + "." + p[2],
        "." + p[1] + "." + p[2], p[0] + ".." + p[2], p[0] + "." + p[1] + ".",
        token + ".")) {
      assertRejected(Reason.MALFORMED, verifier, t);
    }
    assertRejected(Reason.MALFORMED, verifier, null);
  }

  @Test
  void rejectsDuplicateJsonNames() {
    // in the header (a second alg hiding behind the first)
    assertRejected(Reason.MALFORMED, verifier, withHeader("{\"alg\":\"EdDSA\",\"alg\":\"none\","
        + "\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId() + "\"}"));
    assertRejected(Reason.MALFORMED, verifier, withHeader("{\"alg\":\"EdDSA\",\"typ\":"
        + "\"agentguard-task+jwt\",\"kid\":\"" + key.keyId() + "\",\"kid\":\"" + key.keyId() + "\"}"));
    // in the claims
    assertRejected(Reason.MALFORMED, verifier,
        withClaims(claims().replace("\"sub\":\"agent-1\"", "\"sub\":\"agent-1\",\"sub\":\"admin\"")));
    assertRejected(Reason.MALFORMED, verifier,
        withClaims(claims().replace("}", ",\"exp\":" + (T + 999999) + "}")));
    // nested duplicates too
    assertRejected(Reason.MALFORMED, verifier,
        withClaims(claims().replace("}", ",\"ext\":{\"a\":1,\"a\":2}}")));
  }

  @Test
  void rejectsDeepNesting() {
    String deep = "[".repeat(20) + "]".repeat(20);
    assertRejected(Reason.MALFORMED, verifier, withClaims(claims().replace("}", ",\"x\":" + deep
        + "}")));
    assertRejected(Reason.MALFORMED, verifier, withHeader(headerWith("\"x\":" + deep)));
    // within the bound an unknown claim is ignored
    String shallow = "[".repeat(5) + "]".repeat(5);
    verifier.verify(withClaims(claims().replace("}", ",\"x\":" + shallow + "}")));
  }

  @Test
  void rejectsOversizedToken() {
    StringBuilder scopes = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      scopes.append(i == 0 ? "" : ",").append("\"tool.number.").append(i).append('"');
    }
    String big = withClaims(claims().replace("[\"fs.read\",\"web.*\"]", "[" + scopes + "]"));
    assertTrue(big.length() > 4096);
    assertRejected(Reason.MALFORMED, verifier, big);
    assertRejected(Reason.MALFORMED, verifier, "a".repeat(1 << 20));
    assertRejected(Reason.MALFORMED, verifier, validToken() + "A".repeat(4096));
  }

  @Test
  void rejectsNonObjectJsonTrailingContentAndBadUtf8() {
    assertRejected(Reason.MALFORMED, verifier, withHeader("[\"EdDSA\"]"));
    assertRejected(Reason.MALFORMED, verifier, withClaims("\"agent-1\""));
    assertRejected(Reason.MALFORMED, verifier, withClaims("null"));
    assertRejected(Reason.MALFORMED, verifier, withClaims(claims() + "{}"));
    assertRejected(Reason.MALFORMED, verifier, withHeader(header(key.keyId()) + " x"));
    assertRejected(Reason.MALFORMED, verifier, withClaims("{'sub':'agent-1'}"));
    assertRejected(Reason.MALFORMED, verifier, withClaims(claims().replace("}", ",}")));
    byte[] badUtf8 = claims().replace("agent-1", "agent-\u00ff").getBytes(StandardCharsets.ISO_8859_1);
    assertRejected(Reason.MALFORMED, verifier,
        signedRaw(key, b64(header(key.keyId())), b64(badUtf8)));
    byte[] utf16 = claims().getBytes(StandardCharsets.UTF_16);
    assertRejected(Reason.MALFORMED, verifier, signedRaw(key, b64(header(key.keyId())), b64(utf16)));
  }

  // ---- case 16: NumericDate claims

  @Test
  void rejectsMissingExp() {
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims().replace(",\"exp\":" + (T + 300), "")));
  }

  @Test
  void rejectsMissingIatOrNbf() {
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims().replace("\"iat\":" + T + ",", "")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims().replace("\"nbf\":" + T + ",", "")));
  }

  @Test
  void rejectsStringExp() {
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", T + "", "\"" + (T + 300) + "\"")));
  }

  @Test
  void rejectsFloatExp() {
    assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims(T + "", T + "", (T + 300)
        + ".5")));
    assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims(T + "", T + "", (T + 300)
        + ".0")));
    assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims(T + "", T + "",
        "1.7953752E9")));
  }

  @Test
  void rejectsExp1e30() {
    assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims(T + "", T + "", "1e30")));
    assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims(T + "", T + "", "1E30")));
  }

  @Test
  void rejectsExpBeyondLongMaxValue() {
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", T + "", "9223372036854775808")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", T + "", "99999999999999999999999")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", T + "", Long.toString(Long.MAX_VALUE))));
  }

  @Test
  void rejectsExpOutsideTheNumericDateRange() {
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", T + "", "253402300800")));
    assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims(T + "", T + "", "-1")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims("-5", T + "", (T + 300) + "")));
  }

  @Test
  void rejectsNonNumericIatAndNbf() {
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims("\"" + T + "\"", T + "", (T + 300) + "")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", T + ".25", (T + 300) + "")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", "null", (T + 300) + "")));
    assertRejected(Reason.INVALID_CLAIMS, verifier,
        withClaims(claims(T + "", "true", (T + 300) + "")));
  }

  @Test
  void rejectsNbfInTheFuture() {
    assertRejected(Reason.NOT_YET_VALID, verifier,
        withClaims(claims(T + "", (T + 60) + "", (T + 300) + "")));
  }

  @Test
  void rejectsIatInTheFuture() {
    assertRejected(Reason.NOT_YET_VALID, verifier,
        withClaims(claims((T + 60) + "", T + "", (T + 300) + "")));
  }

  @Test
  void rejectsExpiredCredential() {
    assertRejected(Reason.EXPIRED, verifier,
        withClaims(claims((T - 600) + "", (T - 600) + "", (T - 1) + "")));
  }

  // ---- other claims

  @Test
  void rejectsMissingOrMistypedClaims() {
    String c = claims();
    List<String> bad = List.of(
        c.replace("\"sub\":\"agent-1\",", ""),
        c.replace("\"sub\":\"agent-1\"", "\"sub\":7"),
        c.replace("\"sub\":\"agent-1\"", "\"sub\":\"\""),
        c.replace("\"jti\":\"j-1\",", ""),
        c.replace("\"tid\":\"task-1\",", ""),
        c.replace("\"tid\":\"task-1\"", "\"tid\":[\"task-1\"]"),
        c.replace("\"iss\":\"agentguard\",", ""),
        c.replace("\"iss\":\"agentguard\"", "\"iss\":null"),
        c.replace("\"aud\":\"agentguard-tools\",", ""),
        c.replace("\"aud\":\"agentguard-tools\"", "\"aud\":[]"),
        c.replace("\"aud\":\"agentguard-tools\"", "\"aud\":[\"agentguard-tools\",1]"),
        c.replace("\"aud\":\"agentguard-tools\"", "\"aud\":{\"v\":\"agentguard-tools\"}"),
        c.replace(",\"scp\":[\"fs.read\",\"web.*\"]", ""),
        c.replace("[\"fs.read\",\"web.*\"]", "\"fs.read\""),
        c.replace("[\"fs.read\",\"web.*\"]", "[\"fs.read\",null]"),
        c.replace("}", ",\"obo\":5}"),
        c.replace("}", ",\"obo\":null}"),
        c.replace("}", ",\"prf\":true}"),
        c.replace("}", ",\"prf\":null}"));
    for (String claims : bad) {
      assertRejected(Reason.INVALID_CLAIMS, verifier, withClaims(claims));
    }
  }

  @Test
  void rejectsWrongAudience() {
    assertRejected(Reason.WRONG_AUDIENCE, verifier,
        withClaims(claims().replace("\"aud\":\"agentguard-tools\"", "\"aud\":\"billing-api\"")));
    assertRejected(Reason.WRONG_AUDIENCE, verifier,
        withClaims(claims().replace("\"aud\":\"agentguard-tools\"", "\"aud\":[\"billing-api\"]")));
    assertRejected(Reason.WRONG_AUDIENCE, verifier,
        withClaims(claims().replace("\"aud\":\"agentguard-tools\"", "\"aud\":\"AgentGuard-Tools\"")));
    CredentialVerifier other = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock)
        .audience("billing-api").build();
    assertRejected(Reason.WRONG_AUDIENCE, other, validToken());
  }

  @Test
  void acceptsAudienceArrayContainingTheExpectedAudience() {
    CredentialClaims c = verifier.verify(withClaims(claims().replace("\"aud\":\"agentguard-tools\"",
        "\"aud\":[\"billing-api\",\"agentguard-tools\"]")));
    assertEquals("agentguard-tools", c.audience());
  }

  @Test
  void rejectsWrongIssuer() {
    assertRejected(Reason.WRONG_AUDIENCE, verifier,
        withClaims(claims().replace("\"iss\":\"agentguard\"", "\"iss\":\"evil\"")));
    CredentialVerifier other = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock)
        .issuer("agentguard-prod").build();
    assertRejected(Reason.WRONG_AUDIENCE, other, validToken());
  }

  // ---- case 17: another token type

  @Test
  void rejectsJwtSvidPresentedAsTaskCredential() {
    String svidHeader = "{\"alg\":\"ES256\",\"kid\":\"" + key.keyId() + "\",\"typ\":\"JWT\"}";
    String svidClaims = "{\"sub\":\"spiffe://example.org/agent\",\"aud\":[\"agentguard-tools\"],"
        + "\"exp\":" + (T + 300) + ",\"iat\":" + T + "}";
    byte[] es256Like = new byte[64];
    Arrays.fill(es256Like, (byte) 0x5a);
    assertRejected(Reason.WRONG_TYPE, verifier,
        b64(svidHeader) + "." + b64(svidClaims) + "." + b64(es256Like));
    // even when crypto would pass (signed with our key, alg EdDSA), a JWT is not a task credential
    String jwtHeader = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"" + key.keyId() + "\"}";
    assertRejected(Reason.WRONG_TYPE, verifier, signed(key, jwtHeader, claims()));
    String joseHeader = "{\"alg\":\"EdDSA\",\"typ\":\"JOSE\",\"kid\":\"" + key.keyId() + "\"}";
    assertRejected(Reason.WRONG_TYPE, verifier, signed(key, joseHeader, claims()));
  }

  @Test
  void rejectsIdTokenWithoutTyp() {
    String idHeader = "{\"alg\":\"EdDSA\",\"kid\":\"" + key.keyId() + "\"}";
    assertRejected(Reason.WRONG_TYPE, verifier, signed(key, idHeader, claims()));
    String variant = "{\"alg\":\"EdDSA\",\"typ\":\"application/agentguard-task+jwt\",\"kid\":\""
        + key.keyId() + "\"}";
    assertRejected(Reason.WRONG_TYPE, verifier, signed(key, variant, claims()));
  }

  // ---- case 18 (verifier side): revocation and the cache

  @Test
  void rejectsRevokedViaPredicate() {
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock)
        .revocation(c -> c.taskId().equals("task-1")).build();
    assertRejected(Reason.REVOKED, v, validToken());
  }

  @Test
  void rejectsRevokedAfterACacheHit() {
    Set<String> revoked = ConcurrentHashMap.newKeySet();
    AtomicInteger checks = new AtomicInteger();
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock)
        .revocation(c -> {
          checks.incrementAndGet();
          return revoked.contains(c.credentialId());
        }).build();
    String token = validToken();
    v.verify(token);
    v.verify(token); // cache hit
    assertEquals(2, checks.get(), "revocation must run on cache hits too");
    revoked.add("j-1");
    assertRejected(Reason.REVOKED, v, token);
    assertRejected(Reason.REVOKED, v, token);
  }

  @Test
  void rejectsWhenTheRevocationCheckThrows() {
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock)
        .revocation(c -> {
          throw new IllegalStateException("revocation store down");
        }).build();
    assertRejected(Reason.REVOKED, v, validToken());
  }

  @Test
  void rejectsExpiredAfterACacheHit() {
    String token = validToken(); // exp = T0 + 300
    verifier.verify(token);
    clock.set(T0.plusSeconds(299));
    verifier.verify(token); // hit, still valid
    clock.set(T0.plusSeconds(300));
    assertRejected(Reason.EXPIRED, verifier, token);
    clock.set(T0.plusSeconds(100)); // the clock steps back: valid again, never wrongly cached
    verifier.verify(token);
  }

  @Test
  void cacheDoesNotBypassNotBeforeAfterAClockStepBack() {
    String token = validToken();
    verifier.verify(token);
    clock.set(T0.minusSeconds(1));
    assertRejected(Reason.NOT_YET_VALID, verifier, token);
  }

  @Test
  void behavesTheSameWithTheCacheDisabled() {
    CredentialVerifier noCache = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(clock)
        .leeway(Duration.ZERO).cacheSize(0).build();
    String token = validToken();
    noCache.verify(token);
    noCache.verify(token);
    clock.set(T0.plusSeconds(300));
    assertRejected(Reason.EXPIRED, noCache, token);
  }

  @Test
  void messagesNeverContainTokenOrKeyMaterial() {
    String token = validToken();
    for (Reason r : Reason.values()) {
      assertTrue(r.name().length() > 0);
    }
    CredentialException e = assertThrows(CredentialException.class,
        () -> verifier.verify(Tokens.withSignature(token, new byte[64])));
    Tokens.assertNoLeak(e, token);
    assertTrue(!e.getMessage().contains(b64(key.publicKey())));
    CredentialException e2 = assertThrows(CredentialException.class,
        () -> verifier.verify(token.replace('.', ' ')));
    Tokens.assertNoLeak(e2, token);
  }
}
