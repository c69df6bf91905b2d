package dev.agentguard.core.identity;

import dev.agentguard.core.TestClock;
import static dev.agentguard.IdentityException.Reason.UNKNOWN_KEY;
import static dev.agentguard.IdentityException.Reason.UNTRUSTED_CHAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.IdentityException;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TrustBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust bundle parsing, rotation by rewriting the file, and last-good-bundle on a bad file. */
class TrustBundleReloadTest {
  static final String TD = "acme.example";
  static final String AGENT = "spiffe://acme.example/agent/support-bot";

  @TempDir
  Path dir;

  final TestClock clock = new TestClock(JwtSvidTest.NOW);

  static String token(KeyPair key, String kid) {
    return Pki.sign("ES256", key.getPrivate(), JwtSvidTest.header("ES256", kid),
        JwtSvidTest.claims(AGENT, JwtSvidTest.AUD, JwtSvidTest.EXP));
  }

  static void write(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A verifier of a PEM bundle file for TD, re-read only on reload(). */
  SvidVerifier pemVerifier(Path file) {
    return SvidVerifier.builder().trustBundle(TD, file).clock(clock).bundlePollInterval(Duration.ZERO).build();
  }

  SvidVerifier verifier(Path file, Duration poll) {
    return SvidVerifier.builder().trustBundle(file).audience(JwtSvidTest.AUD).clock(clock)
        .bundlePollInterval(poll).build();
  }

  @Test
  void rotatesJwtKeysByRewritingTheFile() throws IOException {
    Path file = dir.resolve("bundle.json");
    write(file, Pki.bundle(TD, Pki.jwtJwk("k1", Pki.P256.getPublic())));
    try (SvidVerifier v = verifier(file, Duration.ZERO)) {
      String version1 = v.bundles().get(TD).version();
      assertTrue(v.verifyJwtSvid(token(Pki.P256, "k1")).verified());
      assertFalse(v.reload(), "unchanged file is not a new bundle");

      write(file, Pki.bundle(TD, Pki.jwtJwk("k2", Pki.P256_OTHER.getPublic())));
      assertTrue(v.reload());
      assertNotEquals(version1, v.bundles().get(TD).version());
      assertTrue(v.verifyJwtSvid(token(Pki.P256_OTHER, "k2")).verified());
      assertEquals(UNKNOWN_KEY, assertThrows(IdentityException.class,
          () -> v.verifyJwtSvid(token(Pki.P256, "k1"))).reason());
    }
  }

  @Test
  void corruptOrInvalidFileKeepsTheLastGoodBundle() throws IOException {
    Path file = dir.resolve("bundle.json");
    write(file, Pki.bundle(TD, Pki.jwtJwk("k1", Pki.P256.getPublic())));
    try (SvidVerifier v = verifier(file, Duration.ZERO)) {
      String good = v.bundles().get(TD).version();
      for (String bad : List.of(
          "{\"trust_domain\":\"acme.example\",\"keys\":[",                     // half-written
          "{\"trust_domain\":\"acme.example\",\"keys\":[],\"keys\":[]}",       // duplicate names
          Pki.bundle("other.example", Pki.jwtJwk("k9", Pki.P256_OTHER.getPublic())), // another trust domain
          Pki.bundle(TD, "{\"use\":\"jwt-svid\"," + Pki.jwkMembers(Pki.P256_OTHER.getPublic()) + "}"))) { // no kid
        write(file, bad);
        assertFalse(v.reload(), bad);
        assertEquals(good, v.bundles().get(TD).version());
        assertTrue(v.verifyJwtSvid(token(Pki.P256, "k1")).verified());
      }
      // undoing the bad write restores the content in use: nothing new goes live
      write(file, Pki.bundle(TD, Pki.jwtJwk("k1", Pki.P256.getPublic())));
      assertFalse(v.reload());
      assertEquals(good, v.bundles().get(TD).version());
      Files.delete(file);
      assertFalse(v.reload());
      assertFalse(v.reload());
      assertTrue(v.verifyJwtSvid(token(Pki.P256, "k1")).verified());
      // a valid file afterwards goes live
      write(file, Pki.bundle(TD, Pki.jwtJwk("k2", Pki.P256_OTHER.getPublic())));
      assertTrue(v.reload());
      assertTrue(v.verifyJwtSvid(token(Pki.P256_OTHER, "k2")).verified());
    }
  }

  @Test
  void rotationIgnoresElementsTheBundleSpecSaysToIgnoreSoTheWithdrawnKeyStopsVerifying() throws IOException {
    // issue 20.2: v2 drops k1, adds k2 and carries elements AgentGuard cannot use; v2 must go live
    Path file = dir.resolve("bundle.json");
    write(file, Pki.bundle(TD, Pki.jwtJwk("k1", Pki.P256.getPublic())));
    try (SvidVerifier v = verifier(file, Duration.ZERO)) {
      assertTrue(v.verifyJwtSvid(token(Pki.P256, "k1")).verified());
      write(file, Pki.bundle(TD, Pki.jwtJwk("k2", Pki.P256_OTHER.getPublic()),
          Pki.jwtJwk("p521", Pki.ec("secp521r1").getPublic()),                                     // unsupported curve
          "{\"kid\":\"no-use\"," + Pki.jwkMembers(Pki.P384.getPublic()) + "}",                       // no use
          "{\"use\":\"wit-svid\",\"kid\":\"w\"," + Pki.jwkMembers(Pki.P384.getPublic()) + "}",     // unknown use
          "{\"use\":\"jwt-svid\",\"kid\":\"ed\",\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
              + Pki.b64u(new byte[32]) + "\"}",                                                        // unsupported kty
          Pki.jwtJwk("weak", Pki.rsa(1024).getPublic()),                                             // RSA below 2048 bits
          "{\"use\":\"jwt-svid\",\"kid\":\"es512\",\"alg\":\"ES512\"," + Pki.jwkMembers(Pki.P256.getPublic())
              + "}"));                                                                                // unsupported alg
      assertTrue(v.reload(), "a bundle with ignorable elements is a valid bundle");
      TrustBundle live = v.bundles().get(TD);
      assertEquals(Map.of("k2", Pki.P256_OTHER.getPublic()), live.jwtAuthorities());
      assertEquals(6, live.ignoredElements().size(), live.ignoredElements().toString());
      assertTrue(live.ignoredElements().get(0).startsWith("keys[1]"), live.ignoredElements().toString());
      assertTrue(v.verifyJwtSvid(token(Pki.P256_OTHER, "k2")).verified());
      assertEquals(UNKNOWN_KEY, assertThrows(IdentityException.class,
          () -> v.verifyJwtSvid(token(Pki.P256, "k1"))).reason(), "the withdrawn key no longer verifies");
      assertEquals(UNKNOWN_KEY, assertThrows(IdentityException.class,
          () -> v.verifyJwtSvid(token(Pki.P256, "es512"))).reason(), "an ignored key never verifies");
    }
  }

  @Test
  void aGenuinelyBrokenBundleKeepsTheLastGoodOne() throws Exception {
    Path file = dir.resolve("bundle.json");
    write(file, Pki.bundle(TD, Pki.jwtJwk("k1", Pki.P256.getPublic())));
    String k2 = Pki.jwtJwk("k2", Pki.P256_OTHER.getPublic());
    Pki.Cert leafAsCa = Pki.leaf(Pki.ca("acme root"), AGENT);
    try (SvidVerifier v = verifier(file, Duration.ZERO)) {
      String good = v.bundles().get(TD).version();
      for (String bad : List.of(
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\",\"kid\":\"k3\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
              + Pki.b64u(new byte[32]) + "\",\"y\":\"" + Pki.b64u(new byte[32]) + "\"}"),          // not on the curve
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\",\"kid\":\"k3\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA==\",\"y\":\"AA\"}"),
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\",\"kid\":\"k3\",\"kty\":\"RSA\",\"e\":\"AQAB\"}"),   // no modulus
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\"," + Pki.jwkMembers(Pki.P384.getPublic()) + "}"),      // no kid
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\",\"kid\":\"k3\"}"),                                  // no kty
          Pki.bundle(TD, k2, Pki.jwtJwk("k2", Pki.P384.getPublic())),                                     // duplicate kid
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\",\"kid\":\"k3\",\"d\":\"AA\","
              + Pki.jwkMembers(Pki.P384.getPublic()) + "}"),                                              // private material
          Pki.bundle(TD, k2, "{\"use\":\"jwt-svid\",\"kid\":\"k3\",\"alg\":\"RS256\","
              + Pki.jwkMembers(Pki.P256.getPublic()) + "}"),                                              // alg does not fit
          Pki.bundle(TD, k2, "{\"use\":\"x509-svid\",\"x5c\":[\""
              + Base64.getEncoder().encodeToString(leafAsCa.cert.getEncoded()) + "\"]}"),                // not a CA
          Pki.bundle(TD, k2, "{\"use\":42}"),                                                            // use not a string
          Pki.bundle(TD, k2, "[]"))) {                                                                    // not an object
        write(file, bad);
        assertFalse(v.reload(), bad);
        assertEquals(good, v.bundles().get(TD).version(), bad);
        assertTrue(v.verifyJwtSvid(token(Pki.P256, "k1")).verified());
      }
    }
  }

  @Test
  void anEmptiedPemBundleRevokesTrustButAHalfWrittenOrUnreadableOneKeepsIt() throws Exception {
    // issue 20.3: an explicitly empty PEM document is a valid bundle with no authorities
    Pki.Cert ca1 = Pki.ca("ca one");
    Path file = dir.resolve("cas.pem");
    write(file, pem(ca1));
    try (SvidVerifier v = pemVerifier(file)) {
      v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));
      String good = v.bundles().get(TD).version();
      String full = pem(ca1);
      for (String halfWritten : List.of(full.substring(0, full.length() / 2),
          full.substring(0, full.indexOf("-----END")), "-----BEGIN CERTIFICATE-----\n", "garbage")) {
        write(file, halfWritten);
        assertFalse(v.reload(), halfWritten);
        assertEquals(good, v.bundles().get(TD).version());
        v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));
      }
      Files.delete(file);
      assertFalse(v.reload(), "a read error is not an empty bundle");
      v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));

      write(file, "");
      assertTrue(v.reload(), "an emptied file is a new, empty bundle");
      assertEquals(List.of(), v.bundles().get(TD).x509Authorities());
      assertEquals(UNTRUSTED_CHAIN, assertThrows(IdentityException.class,
          () -> v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert))).reason());

      write(file, full);
      assertTrue(v.reload());
      v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));
      write(file, "\n  \r\n");
      assertTrue(v.reload(), "whitespace only is empty too");
      assertEquals(UNTRUSTED_CHAIN, assertThrows(IdentityException.class,
          () -> v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert))).reason());
    }
    assertEquals(List.of(), TrustBundle.parse(TD, "").x509Authorities());
    assertThrows(IllegalArgumentException.class, () -> TrustBundle.parse(""), "no trust domain to name");
  }

  @Test
  void anEmptiedJsonBundleRevokesTrustToo() throws Exception {
    Pki.Cert ca1 = Pki.ca("ca one");
    Path file = dir.resolve("bundle.json");
    write(file, Pki.bundle(TD, Pki.x509Jwk(ca1.cert), Pki.jwtJwk("k1", Pki.P256.getPublic())));
    try (SvidVerifier v = verifier(file, Duration.ZERO)) {
      v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));
      for (String emptied : List.of(Pki.bundle(TD), "")) { // {"keys":[]}, or no content at all
        write(file, Pki.bundle(TD, Pki.x509Jwk(ca1.cert), Pki.jwtJwk("k1", Pki.P256.getPublic())));
        v.reload();
        v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));
        write(file, emptied);
        assertTrue(v.reload(), emptied);
        assertEquals(TD, v.bundles().get(TD).trustDomain());
        assertEquals(UNTRUSTED_CHAIN, assertThrows(IdentityException.class,
            () -> v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert))).reason());
        assertEquals(UNKNOWN_KEY, assertThrows(IdentityException.class,
            () -> v.verifyJwtSvid(token(Pki.P256, "k1"))).reason());
      }
    }
  }

  @Test
  void rotatesX509AuthoritiesFromPemFile() throws Exception {
    Pki.Cert ca1 = Pki.ca("ca one");
    Pki.Cert ca2 = Pki.ca("ca two");
    Path file = dir.resolve("cas.pem");
    write(file, pem(ca1));
    try (SvidVerifier v = pemVerifier(file)) {
      v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert));
      write(file, pem(ca2));
      assertTrue(v.reload());
      v.verifyX509Svid(List.of(Pki.leaf(ca2, AGENT).cert));
      assertEquals(UNTRUSTED_CHAIN, assertThrows(IdentityException.class,
          () -> v.verifyX509Svid(List.of(Pki.leaf(ca1, AGENT).cert))).reason());
    }
  }

  @Test
  void pollingPicksUpARotatedFile() throws Exception {
    Path file = dir.resolve("bundle.json");
    write(file, Pki.bundle(TD, Pki.jwtJwk("k1", Pki.P256.getPublic())));
    try (SvidVerifier v = verifier(file, Duration.ofMillis(100))) {
      write(file, Pki.bundle(TD, Pki.jwtJwk("k2", Pki.P256_OTHER.getPublic())));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!v.bundles().get(TD).jwtAuthorities().containsKey("k2") && System.nanoTime() < deadline) {
        Thread.sleep(20); // waiting for the watcher thread, not for time to pass
      }
      assertTrue(v.verifyJwtSvid(token(Pki.P256_OTHER, "k2")).verified());
    }
  }

  @Test
  void spiffeBundleFormatWithX509AndJwtAuthorities() {
    Pki.Cert ca = Pki.ca("acme root");
    String json = Pki.bundle(TD, Pki.x509Jwk(ca.cert), Pki.jwtJwk("k1", Pki.P256.getPublic()),
        "{\"use\":\"something-else\",\"kty\":\"oct\"}");
    TrustBundle b = TrustBundle.parse(json);
    assertEquals(TD, b.trustDomain());
    assertEquals(List.of(ca.cert), b.x509Authorities());
    assertEquals(Map.of("k1", Pki.P256.getPublic()), b.jwtAuthorities());
    assertTrue(b.version().startsWith("sha256:"));
    // the trust domain may come from the caller instead of the file
    String plain = "{\"keys\":[" + Pki.jwtJwk("k1", Pki.P256.getPublic()) + "]}";
    assertEquals(TD, TrustBundle.parse(TD, plain).trustDomain());
    assertThrows(IllegalArgumentException.class, () -> TrustBundle.parse(plain));
    assertThrows(IllegalArgumentException.class, () -> TrustBundle.parse("other.example", json));
  }

  @Test
  void rejectsInvalidBundles() throws Exception {
    Pki.Cert ca = Pki.ca("acme root");
    Pki.Cert leaf = Pki.leaf(ca, AGENT);
    String caDer = Base64.getEncoder().encodeToString(ca.cert.getEncoded());
    List<String> bad = List.of(
        Pki.bundle(TD, Pki.jwtJwk("k", Pki.P256.getPublic()), Pki.jwtJwk("k", Pki.P384.getPublic())),
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}"),
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + Pki.b64u(new byte[32]) + "\",\"y\":\"" + Pki.b64u(new byte[32]) + "\"}"),  // not on the curve
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"alg\":\"RS256\"," + Pki.jwkMembers(Pki.P256.getPublic()) + "}"),
        Pki.bundle(TD, "{\"use\":\"x509-svid\",\"x5c\":[\"" + caDer + "\",\"" + caDer + "\"]}"),
        Pki.bundle(TD, "{\"use\":\"x509-svid\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(leaf.cert.getEncoded()) + "\"]}"),
        Pki.bundle(TD, "{\"use\":\"x509-svid\"," + Pki.jwkMembers(Pki.P256.getPublic()) + ",\"x5c\":[\"" + caDer + "\"]}"),
        Pki.bundle("ACME.example"),
        "{\"trust_domain\":\"acme.example\"}",
        "{\"trust_domain\":\"acme.example\",\"keys\":[[[[[[[[[[]]]]]]]]]]}",
        "[]");
    for (String json : bad) {
      assertThrows(IllegalArgumentException.class, () -> TrustBundle.parse(json), json);
    }
    assertThrows(IllegalArgumentException.class, () -> TrustBundle.parse(TD, "x".repeat(TrustBundle.MAX_BYTES + 1)));
    assertThrows(IllegalArgumentException.class, () -> TrustBundle.of(TD, List.of(), Map.of("k", Pki.rsa(1024).getPublic())));
    assertThrows(IllegalArgumentException.class, () -> TrustBundle.of("acme.example/x", List.of(), Map.of()));
  }

  @Test
  void buildFailsNamingTheFileWhenTheFirstLoadFails() throws IOException {
    Path file = dir.resolve("missing.json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SvidVerifier.builder().trustBundle(file).build());
    assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
    Files.writeString(file, "{");
    e = assertThrows(IllegalArgumentException.class, () -> SvidVerifier.builder().trustBundle(file).build());
    assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
  }

  static String pem(Pki.Cert c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
