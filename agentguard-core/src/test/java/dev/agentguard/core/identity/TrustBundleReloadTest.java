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
          "",
          "{\"trust_domain\":\"acme.example\",\"keys\":[],\"keys\":[]}",       // duplicate names
          Pki.bundle("other.example", Pki.jwtJwk("k9", Pki.P256_OTHER.getPublic())), // another trust domain
          Pki.bundle(TD, Pki.jwtJwk("weak", Pki.rsa(1024).getPublic())),       // weak key
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
  void rotatesX509AuthoritiesFromPemFile() throws Exception {
    Pki.Cert ca1 = Pki.ca("ca one");
    Pki.Cert ca2 = Pki.ca("ca two");
    Path file = dir.resolve("cas.pem");
    write(file, pem(ca1));
    try (SvidVerifier v = SvidVerifier.builder().trustBundle(TD, file).clock(clock)
        .bundlePollInterval(Duration.ZERO).build()) {
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
        Pki.bundle(TD, Pki.jwtJwk("k", Pki.rsa(1024).getPublic())),
        Pki.bundle(TD, Pki.jwtJwk("k", Pki.ec("secp521r1").getPublic())),
        Pki.bundle(TD, Pki.jwtJwk("k", Pki.P256.getPublic()), Pki.jwtJwk("k", Pki.P384.getPublic())),
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}"),
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + Pki.b64u(new byte[32]) + "\",\"y\":\"" + Pki.b64u(new byte[32]) + "\"}"),  // not on the curve
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"alg\":\"HS256\"," + Pki.jwkMembers(Pki.P256.getPublic()) + "}"),
        Pki.bundle(TD, "{\"use\":\"jwt-svid\",\"kid\":\"k\",\"alg\":\"RS256\"," + Pki.jwkMembers(Pki.P256.getPublic()) + "}"),
        Pki.bundle(TD, "{\"use\":\"x509-svid\",\"x5c\":[\"" + caDer + "\",\"" + caDer + "\"]}"),
        Pki.bundle(TD, "{\"use\":\"x509-svid\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(leaf.cert.getEncoded()) + "\"]}"),
        Pki.bundle(TD, "{\"use\":\"x509-svid\"," + Pki.jwkMembers(Pki.P256.getPublic()) + ",\"x5c\":[\"" + caDer + "\"]}"),
        Pki.bundle(TD, "{\"kid\":\"k\"," + Pki.jwkMembers(Pki.P256.getPublic()) + "}"),
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
