package dev.agentguard.core.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.CredentialException;
import dev.agentguard.CredentialException.Reason;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Builds tokens by hand, so each test controls every byte. */
final class Tokens {
  static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  static final long T = T0.getEpochSecond();

  private Tokens() {}

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] unb64(String part) {
    return Base64.getUrlDecoder().decode(part);
  }

  static String header(String kid) {
    return "{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + kid + "\"}";
  }

  /** Claims valid at T0 (iat = nbf = T0, exp = T0 + 300 s) with one changed raw member list. */
  static String claims(String iat, String nbf, String exp) {
    return "{\"iss\":\"agentguard\",\"sub\":\"agent-1\",\"aud\":\"agentguard-tools\",\"jti\":\"j-1\","
        + "\"iat\":" + iat + ",\"nbf\":" + nbf + ",\"exp\":" + exp
        + ",\"tid\":\"task-1\",\"scp\":[\"fs.read\",\"web.*\"]}";
  }

  static String claims() {
    return claims(Long.toString(T), Long.toString(T), Long.toString(T + 300));
  }

  /** A token whose signature is a real Ed25519 signature by {@code key} over the given parts. */
  static String signed(Ed25519SigningKey key, String headerJson, String claimsJson) {
    return signedRaw(key, b64(headerJson), b64(claimsJson));
  }

  static String signedRaw(Ed25519SigningKey key, String headerPart, String payloadPart) {
    String input = headerPart + "." + payloadPart;
    return input + "." + b64(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
  }

  static String withSignature(String token, byte[] signature) {
    return token.substring(0, token.lastIndexOf('.') + 1) + b64(signature);
  }

  static byte[] signatureOf(String token) {
    return unb64(token.substring(token.lastIndexOf('.') + 1));
  }

  /** Asserts rejection with exactly {@code reason}, and that the message leaks no token part. */
  static CredentialException assertRejected(Reason reason, CredentialVerifier verifier,
      String token) {
    CredentialException e = assertThrows(CredentialException.class, () -> verifier.verify(token));
    assertEquals(reason, e.reason(), () -> "message: " + e.getMessage());
    assertNoLeak(e, token);
    return e;
  }

  static void assertNoLeak(CredentialException e, String token) {
    if (token == null) {
      return;
    }
    for (String part : token.split("\\.")) {
      if (part.length() >= 8) {
        assertFalse(e.getMessage().contains(part), "exception message leaks a token part");
      }
    }
  }
}
