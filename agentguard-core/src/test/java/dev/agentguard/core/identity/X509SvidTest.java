package dev.agentguard.core.identity;

import dev.agentguard.core.TestClock;
import static dev.agentguard.IdentityException.Reason.EXPIRED;
import static dev.agentguard.IdentityException.Reason.INVALID_CERTIFICATE;
import static dev.agentguard.IdentityException.Reason.INVALID_SPIFFE_ID;
import static dev.agentguard.IdentityException.Reason.MALFORMED;
import static dev.agentguard.IdentityException.Reason.NOT_YET_VALID;
import static dev.agentguard.IdentityException.Reason.UNTRUSTED_CHAIN;
import static dev.agentguard.IdentityException.Reason.UNTRUSTED_TRUST_DOMAIN;
import static dev.agentguard.core.identity.Pki.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.IdentityException;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TrustBundle;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** X.509-SVID verification: docs/security-cases.md #19, #20 and the SPIFFE X509-SVID rules. */
class X509SvidTest {
  static final String AGENT = "spiffe://acme.example/agent/support-bot";
  static final Pki.Cert CA = Pki.ca("acme root");
  static final Pki.Cert OTHER_CA = Pki.ca("evil root");

  final TestClock clock = new TestClock(NOW);
  final SvidVerifier verifier = SvidVerifier.builder()
      .trustBundle(TrustBundle.of("acme.example", List.of(CA.cert), Map.of()))
      .trustBundle(TrustBundle.of("partner.example", List.of(), Map.of("k", Pki.P256.getPublic())))
      .clock(clock).build();

  @AfterEach
  void close() {
    verifier.close();
  }

  void assertReject(IdentityException.Reason reason, List<X509Certificate> chain) {
    IdentityException e = assertThrows(IdentityException.class, () -> verifier.verifyX509Svid(chain));
    assertEquals(reason, e.reason(), e.getMessage());
  }

  static Pki.Cert leaf(Pki.Cert issuer, List<String> uris, int keyUsage, boolean ca) {
    return Pki.leaf(issuer, uris, keyUsage, ca, NOW.minusSeconds(3600), NOW.plusSeconds(3600));
  }

  @Test
  void acceptsLeafSignedByTrustedCa() {
    AgentIdentity agent = verifier.verifyX509Svid(List.of(Pki.leaf(CA, AGENT).cert));
    assertEquals(AGENT, agent.id());
    assertTrue(agent.verified());
    assertEquals(Optional.of("x509-svid"), agent.proof());
    assertEquals(Map.of("verified", true, "trustDomain", "acme.example", "proof", "x509-svid"), agent.attributes());
  }

  @Test
  void acceptsChainThroughIntermediateWithOrWithoutRoot() {
    Pki.Cert intermediate = Pki.ca("acme intermediate", CA, NOW.minusSeconds(86400), NOW.plusSeconds(86400));
    X509Certificate leaf = Pki.leaf(intermediate, AGENT).cert;
    assertEquals(AGENT, verifier.verifyX509Svid(List.of(leaf, intermediate.cert)).id());
    assertEquals(AGENT, verifier.verifyX509Svid(List.of(leaf, intermediate.cert, CA.cert)).id());
    // without the intermediate there is no path
    assertReject(UNTRUSTED_CHAIN, List.of(leaf));
  }

  @Test
  void acceptsDigitalSignatureWithKeyEncipherment() {
    verifier.verifyX509Svid(List.of(leaf(CA, List.of(AGENT), KeyUsage.digitalSignature | KeyUsage.keyEncipherment
        | KeyUsage.keyAgreement, false).cert));
  }

  @Test
  void rejectsTwoUriSans() {
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT, "spiffe://acme.example/agent/admin"),
        KeyUsage.digitalSignature, false).cert));
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT, "https://acme.example/"),
        KeyUsage.digitalSignature, false).cert));
  }

  @Test
  void rejectsNoUriSan() {
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(), KeyUsage.digitalSignature, false).cert));
  }

  @Test
  void rejectsInvalidSpiffeIdInUriSan() {
    assertReject(INVALID_SPIFFE_ID, List.of(leaf(CA, List.of("spiffe://ACME.example/agent"), KeyUsage.digitalSignature, false).cert));
    assertReject(INVALID_SPIFFE_ID, List.of(leaf(CA, List.of("spiffe://acme.example/agent/"), KeyUsage.digitalSignature, false).cert));
    assertReject(INVALID_SPIFFE_ID, List.of(leaf(CA, List.of("https://acme.example/agent"), KeyUsage.digitalSignature, false).cert));
  }

  @Test
  void rejectsSpiffeIdWithoutPath() {
    // X509-SVID 3.1/5.2: the leaf's SPIFFE ID must have a non-root path (issue 20.1)
    IdentityException e = assertThrows(IdentityException.class,
        () -> verifier.verifyX509Svid(List.of(Pki.leaf(CA, "spiffe://acme.example").cert)));
    assertEquals(INVALID_SPIFFE_ID, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("path"), e.getMessage());
  }

  @Test
  void readsTheSanExtensionItselfSoATrustDomainEndingInADotIsJudgedOnWhatTheCertificateSays() {
    // the JDK drops the whole SAN list when its URI parser dislikes the host "trustdomain." (issue 20.4)
    String id = "spiffe://trustdomain./path";
    assertEquals(id, AgentIdentity.of(id).id());
    try (SvidVerifier dotted = SvidVerifier.builder()
        .trustBundle(TrustBundle.of("trustdomain.", List.of(CA.cert), Map.of())).clock(clock).build()) {
      AgentIdentity agent = dotted.verifyX509Svid(List.of(Pki.leaf(CA, id).cert));
      assertEquals(id, agent.id());
      assertEquals(Optional.of("trustdomain."), agent.trustDomain());
      assertTrue(agent.verified());
    }
  }

  @Test
  void seesEveryUriSanEvenWhenTheJdkCannotParseOne() {
    // JDK view of this list: no SAN at all ("has 0"); the real list holds two URIs
    IdentityException e = assertThrows(IdentityException.class, () -> verifier.verifyX509Svid(List.of(
        Pki.leafWithSan(CA, Pki.names(Pki.uri(AGENT), Pki.uri("spiffe://trustdomain./admin"))).cert)));
    assertEquals(INVALID_CERTIFICATE, e.reason());
    assertTrue(e.getMessage().contains("has 2"), e.getMessage());
  }

  @Test
  void acceptsOneUriSanBesideOtherNameTypes() {
    // X509-SVID 2: exactly one URI SAN, any number of other SAN types (DNS names)
    AgentIdentity agent = verifier.verifyX509Svid(List.of(
        Pki.leafWithSan(CA, Pki.names(Pki.dns("bot.acme.example"), Pki.uri(AGENT), Pki.dns("x.example"))).cert));
    assertEquals(AGENT, agent.id());
    assertReject(INVALID_CERTIFICATE, List.of(
        Pki.leafWithSan(CA, Pki.names(Pki.dns("bot.acme.example"), Pki.dns("x.example"))).cert));
  }

  @Test
  void rejectsAMalformedSanExtension() {
    assertReject(MALFORMED, List.of(Pki.leafWithSan(CA, new org.bouncycastle.asn1.DERUTF8String(AGENT)).cert));
    assertReject(MALFORMED, List.of(Pki.leafWithSan(CA, new org.bouncycastle.asn1.DERSequence()).cert));
  }

  @Test
  void rejectsCaCertificateAsLeaf() {
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT),
        KeyUsage.digitalSignature | KeyUsage.keyCertSign, true).cert));
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT), KeyUsage.digitalSignature, true).cert));
  }

  @Test
  void rejectsMissingDigitalSignature() {
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT), KeyUsage.keyEncipherment, false).cert));
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT), -1, false).cert));
  }

  @Test
  void rejectsKeyCertSignOrCrlSignOnLeaf() {
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT),
        KeyUsage.digitalSignature | KeyUsage.keyCertSign, false).cert));
    assertReject(INVALID_CERTIFICATE, List.of(leaf(CA, List.of(AGENT),
        KeyUsage.digitalSignature | KeyUsage.cRLSign, false).cert));
  }

  @Test
  void rejectsExpiredAndNotYetValidLeafAtTheClock() {
    X509Certificate leaf = Pki.leaf(CA, List.of(AGENT), KeyUsage.digitalSignature, false,
        NOW.minusSeconds(3600), NOW.plusSeconds(60)).cert;
    verifier.verifyX509Svid(List.of(leaf));
    clock.set(NOW.plusSeconds(61));
    assertReject(EXPIRED, List.of(leaf));
    clock.set(NOW.minusSeconds(3601));
    assertReject(NOT_YET_VALID, List.of(leaf));
  }

  @Test
  void rejectsExpiredIntermediate() {
    Pki.Cert intermediate = Pki.ca("old intermediate", CA, NOW.minusSeconds(86400), NOW.minusSeconds(10));
    X509Certificate leaf = Pki.leaf(intermediate, AGENT).cert;
    assertReject(UNTRUSTED_CHAIN, List.of(leaf, intermediate.cert));
  }

  @Test
  void rejectsChainToUntrustedCa() {
    assertReject(UNTRUSTED_CHAIN, List.of(Pki.leaf(OTHER_CA, AGENT).cert));
    assertReject(UNTRUSTED_CHAIN, List.of(Pki.leaf(OTHER_CA, AGENT).cert, OTHER_CA.cert));
  }

  @Test
  void rejectsLeafSignedByAnotherKeyUnderTheSameName() {
    Pki.Cert impostor = Pki.ca("acme root");
    assertReject(UNTRUSTED_CHAIN, List.of(Pki.leaf(impostor, AGENT).cert));
  }

  @Test
  void rejectsLeafOfTrustDomainWithoutBundleOrWithoutX509Authorities() {
    assertReject(UNTRUSTED_TRUST_DOMAIN, List.of(Pki.leaf(CA, "spiffe://evil.example/agent").cert));
    assertReject(UNTRUSTED_CHAIN, List.of(Pki.leaf(CA, "spiffe://partner.example/agent").cert));
  }

  @Test
  void rejectsEmptyOrNullChain() {
    assertReject(MALFORMED, List.of());
    assertReject(MALFORMED, null);
    assertReject(MALFORMED, Arrays.asList(Pki.leaf(CA, AGENT).cert, null));
    X509Certificate leaf = Pki.leaf(CA, AGENT).cert;
    List<X509Certificate> longChain = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      longChain.add(leaf);
    }
    assertReject(MALFORMED, longChain);
  }

  @Test
  void revocationCheckerCanRejectAChain() {
    PKIXCertPathChecker revokesAll = new PKIXCertPathChecker() {
      @Override
      public void init(boolean forward) {}

      @Override
      public boolean isForwardCheckingSupported() {
        return false;
      }

      @Override
      public Set<String> getSupportedExtensions() {
        return null;
      }

      @Override
      public void check(Certificate cert, Collection<String> unresolvedCritExts) throws CertPathValidatorException {
        throw new CertPathValidatorException("revoked");
      }
    };
    try (SvidVerifier strict = SvidVerifier.builder()
        .trustBundle(TrustBundle.of("acme.example", List.of(CA.cert), Map.of()))
        .clock(clock).revocationChecker(revokesAll).build()) {
      IdentityException e = assertThrows(IdentityException.class,
          () -> strict.verifyX509Svid(List.of(Pki.leaf(CA, AGENT).cert)));
      assertEquals(UNTRUSTED_CHAIN, e.reason());
    }
  }
}
