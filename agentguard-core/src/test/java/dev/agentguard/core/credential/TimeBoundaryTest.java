package dev.agentguard.core.credential;

import dev.agentguard.core.TestClock;
import static dev.agentguard.core.credential.Tokens.T;
import static dev.agentguard.core.credential.Tokens.T0;
import static dev.agentguard.core.credential.Tokens.assertRejected;
import static dev.agentguard.core.credential.Tokens.claims;
import static dev.agentguard.core.credential.Tokens.header;
import static dev.agentguard.core.credential.Tokens.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentguard.CredentialException.Reason;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact time boundaries (docs/security-cases.md #16), with L the leeway: valid iff now &lt; exp + L,
 * now &gt;= nbf - L and now &gt;= iat - L. Each boundary is probed at -1 s, 0 and +1 s (and -1 ms).
 */
class TimeBoundaryTest {
  static final Ed25519SigningKey KEY = Ed25519SigningKey.generate();

  static String token(long iat, long nbf, long exp) {
    return signed(KEY, header(KEY.keyId()), claims(iat + "", nbf + "", exp + ""));
  }

  static CredentialVerifier at(Instant now, long leewaySeconds) {
    return CredentialVerifier.builder().publicJwks(KEY.publicJwks()).clock(new TestClock(now))
        .leeway(Duration.ofSeconds(leewaySeconds)).build();
  }

  static void accepted(String token, Instant now, long leeway) {
    assertEquals("agent-1", at(now, leeway).verify(token).subject(), () -> "at " + now);
  }

  static void rejected(Reason reason, String token, Instant now, long leeway) {
    assertRejected(reason, at(now, leeway), token);
  }

  @ParameterizedTest(name = "leeway {0}s")
  @ValueSource(longs = {0, 30, 300})
  void expBoundary(long l) {
    String t = token(T - 600, T - 600, T); // exp = T
    accepted(t, T0.plusSeconds(l - 1), l);
    accepted(t, T0.plusSeconds(l).minusMillis(1), l);
    rejected(Reason.EXPIRED, t, T0.plusSeconds(l), l);      // on exp + L: rejected (RFC 7519)
    rejected(Reason.EXPIRED, t, T0.plusSeconds(l + 1), l);
  }

  @ParameterizedTest(name = "leeway {0}s")
  @ValueSource(longs = {0, 30, 300})
  void nbfBoundary(long l) {
    String t = token(T - 600, T, T + 600); // nbf = T
    rejected(Reason.NOT_YET_VALID, t, T0.minusSeconds(l + 1), l);
    rejected(Reason.NOT_YET_VALID, t, T0.minusSeconds(l).minusMillis(1), l);
    accepted(t, T0.minusSeconds(l), l);                     // on nbf - L: valid
    accepted(t, T0.minusSeconds(l - 1), l);
  }

  @ParameterizedTest(name = "leeway {0}s")
  @ValueSource(longs = {0, 30, 300})
  void iatBoundary(long l) {
    String t = token(T, T - 600, T + 600); // iat = T
    rejected(Reason.NOT_YET_VALID, t, T0.minusSeconds(l + 1), l);
    rejected(Reason.NOT_YET_VALID, t, T0.minusSeconds(l).minusMillis(1), l);
    accepted(t, T0.minusSeconds(l), l);                     // iat <= now + L
    accepted(t, T0.minusSeconds(l - 1), l);
  }

  @Test
  void defaultLeewayIsThirtySeconds() {
    String t = token(T - 600, T - 600, T);
    CredentialVerifier v = CredentialVerifier.builder().publicJwks(KEY.publicJwks())
        .clock(new TestClock(T0.plusSeconds(29))).build();
    v.verify(t);
    assertRejected(Reason.EXPIRED, CredentialVerifier.builder().publicJwks(KEY.publicJwks())
        .clock(new TestClock(T0.plusSeconds(30))).build(), t);
  }

  @Test
  void singleSecondCredentialIsValidForExactlyOneSecondWithoutLeeway() {
    String t = token(T, T, T + 1);
    rejected(Reason.NOT_YET_VALID, t, T0.minusMillis(1), 0);
    accepted(t, T0, 0);
    accepted(t, T0.plusMillis(999), 0);
    rejected(Reason.EXPIRED, t, T0.plusSeconds(1), 0);
  }

  @Test
  void builderRejectsLeewayOutsideZeroToFiveMinutes() {
    assertThrows(IllegalArgumentException.class,
        () -> CredentialVerifier.builder().leeway(Duration.ofMinutes(5).plusNanos(1)));
    assertThrows(IllegalArgumentException.class,
        () -> CredentialVerifier.builder().leeway(Duration.ofSeconds(-1)));
    CredentialVerifier.builder().leeway(Duration.ofMinutes(5));
    CredentialVerifier.builder().leeway(Duration.ZERO);
  }
}
