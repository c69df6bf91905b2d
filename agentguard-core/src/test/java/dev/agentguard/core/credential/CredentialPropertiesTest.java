package dev.agentguard.core.credential;

import dev.agentguard.core.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.CredentialClaims;
import dev.agentguard.CredentialException;
import dev.agentguard.CredentialException.Reason;
import dev.agentguard.TaskCredential;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.internal.credential.CredentialIssuer;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Properties of issue/verify over random inputs. */
class CredentialPropertiesTest {
  static final Ed25519SigningKey KEY = Ed25519SigningKey.generate();
  static final CredentialIssuer ISSUER = new CredentialIssuer(KEY, "agentguard", "agentguard-tools");
  static final TestClock CLOCK = new TestClock(Tokens.T0);
  static final CredentialVerifier VERIFIER =
      CredentialVerifier.builder().publicJwks(KEY.publicJwks()).clock(CLOCK).build();
  static final String VALID = ISSUER.issue("agent-1", "task-1", List.of("fs.read", "web.*"), "bob",
      Tokens.T0, Tokens.T0.plusSeconds(3600)).token();

  @Property(tries = 300)
  void issuedCredentialsVerifyToTheSameClaims(
      @ForAll @StringLength(min = 1, max = 40) String agentId,
      @ForAll @StringLength(min = 1, max = 40) String taskId,
      @ForAll @Size(max = 6) List<@StringLength(max = 30) String> scopes,
      @ForAll("optionalObo") String obo,
      @ForAll @LongRange(min = 0, max = 253_402_000_000L) long iat,
      @ForAll @IntRange(min = 1, max = 86_400) int ttl) {
    Instant issuedAt = Instant.ofEpochSecond(iat);
    TaskCredential c = ISSUER.issue(agentId, taskId, scopes, obo, issuedAt,
        issuedAt.plusSeconds(ttl));
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(KEY.publicJwks())
        .clock(new TestClock(issuedAt)).build();
    CredentialClaims claims = v.verify(c.token());
    assertEquals(agentId, claims.subject());
    assertEquals(taskId, claims.taskId());
    assertEquals(scopes, claims.scopes());
    assertEquals(obo, claims.onBehalfOf());
    assertEquals(c.id(), claims.credentialId());
    assertEquals(issuedAt, claims.issuedAt());
    assertEquals(issuedAt, claims.notBefore());
    assertEquals(issuedAt.plusSeconds(ttl), claims.expiresAt());
    assertEquals(KEY.keyId(), claims.keyId());
  }

  @Provide
  Arbitrary<String> optionalObo() {
    return Arbitraries.strings().ofMaxLength(20).injectNull(0.3);
  }

  @Property(tries = 1000)
  void anySingleCharacterMutationIsRejected(
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @CharRange(from = 0, to = 255) char replacement) {
    VERIFIER.verify(VALID); // keep the original cached: a mutation must never ride on it
    int i = position % VALID.length();
    if (VALID.charAt(i) == replacement) {
      return;
    }
    String mutated = VALID.substring(0, i) + replacement + VALID.substring(i + 1);
    assertThrows(CredentialException.class, () -> VERIFIER.verify(mutated));
  }

  @Property(tries = 500)
  void anySingleByteMutationOfADecodedPartIsRejected(
      @ForAll @IntRange(min = 0, max = 2) int part,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll byte delta) {
    if (delta == 0) {
      return;
    }
    String[] parts = VALID.split("\\.");
    byte[] raw = Tokens.unb64(parts[part]);
    raw[position % raw.length] += delta;
    parts[part] = Tokens.b64(raw);
    String mutated = String.join(".", parts);
    assertThrows(CredentialException.class, () -> VERIFIER.verify(mutated));
  }

  @Property(tries = 1000)
  void randomStringsOnlyEverGiveCredentialException(@ForAll("junk") String junk) {
    Throwable t = assertThrows(Throwable.class, () -> VERIFIER.verify(junk));
    assertTrue(t instanceof CredentialException, () -> "unexpected " + t);
  }

  @Provide
  Arbitrary<String> junk() {
    Arbitrary<String> b64 = Arbitraries.strings()
        .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        .ofMaxLength(120);
    Arbitrary<String> json = Arbitraries.oneOf(
        Arbitraries.of("{}", "[]", "null", "1e999", "{\"alg\":\"EdDSA\"}", "{\"a\":{\"b\":[[[[[]]]]]}}",
            "\"x\"", "{\"typ\":\"agentguard-task+jwt\",\"alg\":\"EdDSA\",\"kid\":\"" + KEY.keyId()
                + "\"}", "{\"exp\":1e30}", "{\"a\":1,\"a\":2}", "[" .repeat(50)),
        Arbitraries.strings().ofMaxLength(60))
        .map(Tokens::b64);
    Arbitrary<String> structured = Combinators.combine(Arbitraries.oneOf(b64, json),
        Arbitraries.oneOf(b64, json), b64).as((h, p, s) -> h + "." + p + "." + s);
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("A.-_=+/ \n").ofMaxLength(200), b64, structured);
  }

  @Property(tries = 1000)
  void timeWindowAgreesWithANaiveReference(
      @ForAll @IntRange(min = -8, max = 8) int iatOffset,
      @ForAll @IntRange(min = -8, max = 8) int nbfOffset,
      @ForAll @IntRange(min = -8, max = 8) int expOffset,
      @ForAll @IntRange(min = -16_000, max = 16_000) int nowOffsetMillis,
      @ForAll("leeways") int leewaySeconds) {
    long base = Tokens.T;
    long iat = base + iatOffset;
    long nbf = base + nbfOffset;
    long exp = base + expOffset;
    long nowMillis = base * 1000 + nowOffsetMillis;
    String token = Tokens.signed(KEY, Tokens.header(KEY.keyId()),
        Tokens.claims(iat + "", nbf + "", exp + ""));
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(KEY.publicJwks())
        .clock(new TestClock(Instant.ofEpochMilli(nowMillis)))
        .leeway(Duration.ofSeconds(leewaySeconds)).build();

    // Reference: plain millisecond arithmetic, written independently of the verifier.
    long l = leewaySeconds * 1000L;
    Reason expected = null;
    if (!(nowMillis < exp * 1000 + l)) {
      expected = Reason.EXPIRED;
    } else if (!(nowMillis >= nbf * 1000 - l) || !(nowMillis + l >= iat * 1000)) {
      expected = Reason.NOT_YET_VALID;
    }

    Reason actual = null;
    try {
      v.verify(token);
    } catch (CredentialException e) {
      actual = e.reason();
    }
    assertEquals(expected, actual);
  }

  @Provide
  Arbitrary<Integer> leeways() {
    return Arbitraries.oneOf(Arbitraries.of(0, 1, 2, 5, 30, 300), Arbitraries.integers().between(0, 300));
  }
}
