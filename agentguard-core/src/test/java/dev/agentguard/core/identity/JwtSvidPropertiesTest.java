package dev.agentguard.core.identity;

import dev.agentguard.core.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.IdentityException;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TrustBundle;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Random input never produces anything but {@link IdentityException}. */
class JwtSvidPropertiesTest {
  static final String VALID = JwtSvidTest.valid();
  final SvidVerifier verifier = SvidVerifier.builder()
      .trustBundle(TrustBundle.parse(Pki.bundle(JwtSvidTest.TD, Pki.jwtJwk("ec256", Pki.P256.getPublic()))))
      .audience(JwtSvidTest.AUD).clock(new TestClock(JwtSvidTest.NOW)).bundlePollInterval(java.time.Duration.ZERO)
      .build();

  void rejectedOnlyWithIdentityException(String token) {
    try {
      verifier.verifyJwtSvid(token);
      assertEquals(VALID, token, "only the untouched token verifies");
    } catch (IdentityException expected) {
      // the documented outcome
    }
  }

  @Property(tries = 500)
  void randomStrings(@ForAll String s) {
    rejectedOnlyWithIdentityException(s);
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.of("{", "}", "[", "]", "\"alg\"", "\"ES256\"", "\"kid\"", "\"ec256\"", ":", ",", "\"sub\"",
        "\"" + JwtSvidTest.AGENT + "\"", "\"exp\"", "1e30", "-1", "null", "\"crit\"", "\"\\u0000\"", "1.5",
        "\"aud\"", "\"" + JwtSvidTest.AUD + "\"", "99999999999999999999").list().ofMaxSize(20)
        .map(l -> String.join("", l));
  }

  @Property(tries = 500)
  void randomJsonHeadersAndClaims(@ForAll("jsonish") String header, @ForAll("jsonish") String claims,
      @ForAll byte[] sig) {
    rejectedOnlyWithIdentityException(Pki.b64u(header) + "." + Pki.b64u(claims) + "." + Pki.b64u(sig));
  }

  @Property(tries = 500)
  void signedRandomClaims(@ForAll("jsonish") String claims) {
    rejectedOnlyWithIdentityException(JwtSvidTest.es256(claims));
  }

  @Property(tries = 1000)
  void mutatedValidToken(@ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll char replacement) {
    int i = position % VALID.length();
    rejectedOnlyWithIdentityException(VALID.substring(0, i) + replacement + VALID.substring(i + 1));
  }

  @Property(tries = 300)
  void mutatedValidTokenBytes(@ForAll @IntRange(min = 0, max = 2) int part, @ForAll @IntRange(min = 0, max = 10_000) int bit) {
    String[] p = VALID.split("\\.");
    byte[] b = Base64.getUrlDecoder().decode(p[part]);
    int at = bit % (b.length * 8);
    b[at / 8] ^= (byte) (1 << (at % 8));
    p[part] = Pki.b64u(b);
    try {
      verifier.verifyJwtSvid(String.join(".", p));
      throw new AssertionError("a token with a flipped bit verified");
    } catch (IdentityException expected) {
      // rejected
    }
  }
}
