package dev.agentguard.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentguard.AgentIdentity;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** SPIFFE ID validation against a deliberately naive reference validator. */
class SpiffeIdPropertiesTest {

  /**
   * The naive reference: the SPIFFE-ID rules written as plainly as possible (split on '/', regexes),
   * sharing no code with the implementation.
   */
  static Optional<String[]> reference(String id) {
    if (id.getBytes(StandardCharsets.UTF_8).length > 2048) {
      return Optional.empty();
    }
    if (!id.startsWith("spiffe://")) {
      return Optional.empty();
    }
    String rest = id.substring("spiffe://".length());
    String[] parts = rest.split("/", -1);
    String td = parts[0];
    if (!Pattern.matches("[a-z0-9._-]{1,255}", td)) {
      return Optional.empty();
    }
    StringBuilder path = new StringBuilder();
    for (int i = 1; i < parts.length; i++) {
      String seg = parts[i];
      if (seg.equals(".") || seg.equals("..") || !Pattern.matches("[A-Za-z0-9._-]+", seg)) {
        return Optional.empty();
      }
      path.append('/').append(seg);
    }
    return Optional.of(new String[] {td, path.toString()});
  }

  @Provide
  Arbitrary<String> spiffeLike() {
    Arbitrary<String> pieces = Arbitraries.of("spiffe://", "SPIFFE://", "spiffe:", "/", "//", ".", "..",
        "a", "Z", "0", "-", "_", "%2e", ":", "@", "?", "#", " ", "é", "example.org", "Acme", "x".repeat(300));
    return pieces.list().ofMaxSize(12).map(l -> String.join("", l))
        .map(s -> s.startsWith("spiffe") || s.startsWith("SPIFFE") ? s : "spiffe://" + s);
  }

  @Property(tries = 2000)
  void implementationAgreesWithNaiveReference(@ForAll("spiffeLike") String id) {
    Optional<String[]> expected = reference(id);
    AgentIdentity actual;
    try {
      actual = AgentIdentity.of(id);
    } catch (IllegalArgumentException e) {
      assertEquals(Optional.empty(), expected.map(p -> p[0] + p[1]), "rejected but reference accepts: " + id);
      return;
    }
    assertEquals(true, expected.isPresent(), "accepted but reference rejects: " + id);
    assertEquals(Optional.of(expected.get()[0]), actual.trustDomain());
    assertEquals(Optional.of(expected.get()[1]), actual.path());
  }

  @Property(tries = 1000)
  void randomStringsAgreeWithReference(@ForAll String suffix) {
    implementationAgreesWithNaiveReference("spiffe://" + suffix);
  }

  @Property(tries = 1000)
  void randomIdsOnlyEverThrowIllegalArgument(@ForAll String id) {
    try {
      AgentIdentity.of(id);
    } catch (IllegalArgumentException expected) {
      // the documented outcome
    }
  }
}
