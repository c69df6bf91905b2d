package dev.agentguard.core.credential;

import dev.agentguard.core.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.SigningKey;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Builder validation and JWK set parsing fail fast with a clear message. */
class VerifierBuilderTest {
  final Ed25519SigningKey key = Ed25519SigningKey.generate();
  final String x = Tokens.b64(key.publicKey());

  static IllegalArgumentException rejectsJwks(String jwks) {
    return assertThrows(IllegalArgumentException.class,
        () -> CredentialVerifier.builder().publicJwks(jwks));
  }

  @Test
  void requiresAKey() {
    assertThrows(IllegalStateException.class, () -> CredentialVerifier.builder().build());
  }

  @Test
  void refusesAnOptionSetTwice() {
    assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().key(SigningKey.generate()).publicJwks(key.publicJwks()));
    assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().issuer("a").issuer("b"));
    assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().audience("a").audience("b"));
    assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()));
    assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().revocation(c -> false).revocation(c -> true));
    assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().cacheSize(1).cacheSize(2));
  }

  @Test
  void bothVerifierBuildersWordSetOnceAndLeewayRangeTheSame() {
    java.time.Duration tooLong = java.time.Duration.ofMinutes(6);
    String credential = assertThrows(IllegalArgumentException.class,
        () -> CredentialVerifier.builder().leeway(tooLong)).getMessage();
    String svid = assertThrows(IllegalArgumentException.class,
        () -> dev.agentguard.core.SvidVerifier.builder().leeway(tooLong)).getMessage();
    assertEquals("leeway must be between PT0S and PT5M, got PT6M", credential);
    assertEquals(credential, svid);
    assertEquals("clock was already set", assertThrows(IllegalStateException.class,
        () -> CredentialVerifier.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC())).getMessage());
    assertEquals("clock was already set", assertThrows(IllegalStateException.class,
        () -> dev.agentguard.core.SvidVerifier.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()))
        .getMessage());
  }

  @Test
  void rejectsEmptyIssuerAudienceAndBadCacheSize() {
    assertThrows(IllegalArgumentException.class, () -> CredentialVerifier.builder().issuer(""));
    assertThrows(IllegalArgumentException.class, () -> CredentialVerifier.builder().audience(""));
    assertThrows(IllegalArgumentException.class, () -> CredentialVerifier.builder().cacheSize(-1));
    assertThrows(IllegalArgumentException.class,
        () -> CredentialVerifier.builder().cacheSize(1_000_001));
  }

  @Test
  void rejectsJwksWithPrivateMaterial() {
    String withD = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x
        + "\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\"}]}";
    IllegalArgumentException e = rejectsJwks(withD);
    assertTrue(e.getMessage().contains("private"), e.getMessage());
    assertTrue(!e.getMessage().contains("nWGxne"), "message must not echo key material");
  }

  @Test
  void rejectsJwksWithOtherKeyTypesOrParameters() {
    rejectsJwks("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" + x + "\"}]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x
        + "\",\"alg\":\"HS256\"}]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x
        + "\",\"use\":\"enc\"}]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x
        + "\",\"kid\":\"chosen-by-attacker\"}]}");
  }

  @Test
  void rejectsMalformedJwks() {
    rejectsJwks("");
    rejectsJwks("[]");
    rejectsJwks("{\"keys\":[]}");
    rejectsJwks("{\"keys\":{}}");
    rejectsJwks("{\"keys\":[1]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "=\"}]}");
    rejectsJwks("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
        + Base64.getEncoder().withoutPadding().encodeToString(new byte[31]) + "\"}]}");
    String one = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\"}";
    rejectsJwks("{\"keys\":[" + one + "," + one + "]}");
    rejectsJwks("{\"keys\":[" + one + "],\"keys\":[]}");
  }

  @Test
  void acceptsAJwksWithSeveralKeysForRotation() {
    Ed25519SigningKey next = Ed25519SigningKey.generate();
    String jwks = "{\"keys\":[" + key.publicJwks().substring(9, key.publicJwks().length() - 2)
        + "," + next.publicJwks().substring(9, next.publicJwks().length() - 2) + "]}";
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(jwks)
        .clock(new TestClock(Tokens.T0)).build();
    assertEquals("agent-1", v.verify(Tokens.signed(key, Tokens.header(key.keyId()),
        Tokens.claims())).subject());
    assertEquals("agent-1", v.verify(Tokens.signed(next, Tokens.header(next.keyId()),
        Tokens.claims())).subject());
  }
}
