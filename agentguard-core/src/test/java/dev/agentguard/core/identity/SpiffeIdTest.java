package dev.agentguard.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TestClock;
import dev.agentguard.core.TrustBundle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Security case 19: SPIFFE ID validation through {@link AgentIdentity#of(String)}. */
class SpiffeIdTest {

  private static void assertRejected(String id, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of(id));
    assertTrue(e.getMessage().contains(messagePart),
        () -> "message '" + e.getMessage() + "' should mention '" + messagePart + "'");
  }

  @Test
  void rejectsUppercaseTrustDomain() {
    assertRejected("spiffe://Acme.example/agent", "lower case");
  }

  @Test
  void rejectsUppercaseScheme() {
    assertRejected("SPIFFE://acme.example/agent", "lower-case");
    assertRejected("Spiffe://acme.example/agent", "lower-case");
  }

  @Test
  void rejectsSpiffeSchemeWithoutSlashes() {
    assertRejected("spiffe:acme.example/agent", "must start with 'spiffe://'");
    assertRejected("SPIFFE:x", "must start with 'spiffe://'");
  }

  @Test
  void rejectsPercentEncoding() {
    assertRejected("spiffe://acme.example/a%2e%2e", "percent");
    assertRejected("spiffe://acme%2eexample/a", "percent");
  }

  @Test
  void rejectsDotSegments() {
    assertRejected("spiffe://acme.example/agent/../admin", "'..'");
    assertRejected("spiffe://acme.example/./agent", "'.'");
    assertRejected("spiffe://acme.example/..", "'..'");
  }

  @Test
  void rejectsEmptySegment() {
    assertRejected("spiffe://acme.example//agent", "empty segment");
    assertRejected("spiffe://acme.example/agent//x", "empty segment");
  }

  @Test
  void rejectsTrailingSlash() {
    assertRejected("spiffe://acme.example/agent/", "end with '/'");
    assertRejected("spiffe://acme.example/", "end with '/'");
  }

  @Test
  void rejectsPort() {
    assertRejected("spiffe://acme.example:443/agent", "port");
  }

  @Test
  void rejectsUserinfo() {
    assertRejected("spiffe://user@acme.example/agent", "userinfo");
    assertRejected("spiffe://user:pw@acme.example/agent", "port"); // ':' is found first
  }

  @Test
  void rejectsQueryAndFragment() {
    assertRejected("spiffe://acme.example/agent?x=1", "query");
    assertRejected("spiffe://acme.example?x=1", "query");
    assertRejected("spiffe://acme.example/agent#frag", "fragment");
    assertRejected("spiffe://acme.example#frag", "fragment");
  }

  @Test
  void rejectsEmptyTrustDomain() {
    assertRejected("spiffe://", "trust domain is empty");
    assertRejected("spiffe:///agent", "trust domain is empty");
  }

  @Test
  void rejectsInvalidCharacters() {
    assertRejected("spiffe://acme.example/agent bot", "invalid character");
    assertRejected("spiffe://acme.example/agent~bot", "invalid character");
    assertRejected("spiffe://acme.example/ägent", "invalid character");
    assertRejected("spiffe://acme+example/agent", "invalid character");
    assertRejected("spiffe://acme.example/a:b", "':'");
  }

  @Test
  void rejectsIdOf2049Bytes() {
    String prefix = "spiffe://acme.example/";
    String ok = prefix + "a".repeat(2048 - prefix.length());
    assertEquals(2048, ok.length());
    AgentIdentity.of(ok);
    assertRejected(ok + "a", "2048 bytes");
  }

  @Test
  void rejectsTrustDomainOver255Bytes() {
    AgentIdentity.of("spiffe://" + "a".repeat(255) + "/x");
    assertRejected("spiffe://" + "a".repeat(256) + "/x", "255 bytes");
  }

  @ParameterizedTest
  @CsvSource({
      "spiffe://acme.example/agent/support-bot, acme.example, /agent/support-bot",
      "spiffe://acme.example, acme.example, ''",
      "spiffe://a_b-c.9/A.B_c-9/..a/.b/a.., a_b-c.9, /A.B_c-9/..a/.b/a..",
      "spiffe://x/..., x, /...",
  })
  void acceptsValidIdsAndExposesTrustDomainAndPath(String id, String trustDomain, String path) {
    AgentIdentity agent = AgentIdentity.of(id);
    assertEquals(Optional.of(trustDomain), agent.trustDomain());
    assertEquals(Optional.of(path), agent.path());
    assertFalse(agent.verified());
    assertEquals(Optional.empty(), agent.proof());
    assertEquals(Map.of("verified", false, "trustDomain", trustDomain), agent.attributes());
  }

  @Test
  void nonSpiffeIdsKeepLooserRules() {
    AgentIdentity agent = AgentIdentity.of("support-bot@Acme:1/x/../", Map.of("team", "cx"));
    assertEquals(Optional.empty(), agent.trustDomain());
    assertEquals(Optional.empty(), agent.path());
    assertEquals(Map.of("team", "cx", "verified", false), agent.attributes());
    assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of("has space"));
    assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "verified", "trustDomain", "proof"})
  void rejectsReservedAttributeNames(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentIdentity.of("spiffe://acme.example/a", Map.of(name, true)));
    assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AgentIdentity.of("plain-agent", Map.of(name, "x")));
  }

  @Test
  void unverifiedAndVerifiedIdentitiesAreNotEqual() {
    AgentIdentity unverified = AgentIdentity.of("spiffe://acme.example/a");
    Pki.Cert ca = Pki.ca("acme root");
    AgentIdentity verified;
    try (SvidVerifier svids = SvidVerifier.builder()
        .trustBundle(TrustBundle.of("acme.example", List.of(ca.cert), Map.of()))
        .clock(new TestClock(Pki.NOW)).build()) {
      verified = svids.verifyX509Svid(List.of(Pki.leaf(ca, "spiffe://acme.example/a").cert));
    }
    assertTrue(verified.verified());
    assertEquals(Optional.of("x509-svid"), verified.proof());
    assertEquals(Map.of("verified", true, "trustDomain", "acme.example", "proof", "x509-svid"),
        verified.attributes());
    assertFalse(unverified.equals(verified));
  }
}
