package dev.agentguard.core.credential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.core.SigningKey;
import dev.agentguard.core.internal.jose.Ed25519;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import dev.agentguard.core.internal.jose.Thumbprints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key generation, PKCS#8 PEM loading, key id and JWKS export. */
class SigningKeyTest {
  /** RFC 8037 Appendix A private key (the JWK "d"). */
  static final byte[] D = Base64.getUrlDecoder().decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  static final String VECTOR_KID = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
  /** The RFC 8410 PKCS#8 prefix for an Ed25519 private key, as openssl genpkey writes it. */
  static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

  @TempDir Path dir;

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  static byte[] ed25519Pkcs8(byte[] seed) {
    byte[] der = new byte[PKCS8_PREFIX.length + 32];
    System.arraycopy(PKCS8_PREFIX, 0, der, 0, PKCS8_PREFIX.length);
    System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, 32);
    return der;
  }

  @Test
  void loadsPkcs8PemFileAndComputesTheRfc7638KeyId() throws Exception {
    Path file = dir.resolve("key.pem");
    Files.writeString(file, pem("PRIVATE KEY", ed25519Pkcs8(D)));
    SigningKey key = SigningKey.fromPem(file);
    assertEquals(VECTOR_KID, key.keyId());
    assertEquals(VECTOR_KID, SigningKey.fromPem(Files.readString(file)).keyId());
  }

  @Test
  void loadedKeySignsLikeTheRawKey() {
    Ed25519SigningKey fromPem = Ed25519SigningKey.fromPem(pem("PRIVATE KEY", ed25519Pkcs8(D)));
    Ed25519SigningKey raw = Ed25519SigningKey.fromPrivateKeyBytes(D);
    byte[] msg = "hello".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(raw.sign(msg), fromPem.sign(msg));
    assertTrue(Ed25519.verify(fromPem.publicKey(), msg, fromPem.sign(msg)));
  }

  @Test
  void rejectsOtherKeyTypesNamingFileAndType() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    List<Object[]> cases = List.of(
        new Object[] {rsa.generateKeyPair().getPrivate().getEncoded(), "RSA"},
        new Object[] {ec.generateKeyPair().getPrivate().getEncoded(), "EC"},
        new Object[] {KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate()
            .getEncoded(), "Ed448"},
        new Object[] {KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate()
            .getEncoded(), "X25519"});
    for (Object[] c : cases) {
      byte[] der = (byte[]) c[0];
      Path file = dir.resolve(c[1] + ".pem");
      String text = pem("PRIVATE KEY", der);
      Files.writeString(file, text);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem(file));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
      assertNoKeyBytes(e.getMessage(), text);
    }
  }

  @Test
  void rejectsPublicKeyPemAndCertificateLikeObjects() throws Exception {
    byte[] spki = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()
        .getEncoded();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SigningKey.fromPem(pem("PUBLIC KEY", spki)));
    assertTrue(e.getMessage().contains("PUBLIC KEY"), e.getMessage());
    assertTrue(e.getMessage().contains("<string>"), e.getMessage());
  }

  @Test
  void rejectsGarbageEmptyMissingAndMultiplePemFiles() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem(""));
    assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem("not a key"));
    String truncated = pem("PRIVATE KEY", ed25519Pkcs8(D)).substring(0, 60);
    assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem(truncated));
    String corrupt = pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
    IllegalArgumentException ce =
        assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem(corrupt));
    assertNoKeyBytes(ce.getMessage(), corrupt);
    String two = pem("PRIVATE KEY", ed25519Pkcs8(D)) + pem("PRIVATE KEY", ed25519Pkcs8(D));
    assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem(two));
    Path missing = dir.resolve("missing.pem");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SigningKey.fromPem(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void generatedKeysAreDistinctAndTheirKeyIdIsTheThumbprint() {
    Ed25519SigningKey a = Ed25519SigningKey.generate();
    Ed25519SigningKey b = Ed25519SigningKey.generate();
    assertNotEquals(a.keyId(), b.keyId());
    assertEquals(Thumbprints.ed25519(a.publicKey()), a.keyId());
    assertEquals(43, a.keyId().length());
    SigningKey pub = SigningKey.generate();
    assertEquals(Thumbprints.ed25519(Ed25519SigningKey.of(pub).publicKey()), pub.keyId());
  }

  @Test
  void publicJwksHasOnlyThePublicPart() throws Exception {
    Ed25519SigningKey key = Ed25519SigningKey.fromPrivateKeyBytes(D);
    JsonNode jwks = new ObjectMapper().readTree(key.publicJwks());
    assertEquals(1, jwks.get("keys").size());
    JsonNode jwk = jwks.get("keys").get(0);
    assertEquals("OKP", jwk.get("kty").textValue());
    assertEquals("Ed25519", jwk.get("crv").textValue());
    assertEquals("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", jwk.get("x").textValue());
    assertEquals(VECTOR_KID, jwk.get("kid").textValue());
    assertEquals("sig", jwk.get("use").textValue());
    assertEquals("EdDSA", jwk.get("alg").textValue());
    int fields = 0;
    for (Iterator<String> it = jwk.fieldNames(); it.hasNext(); it.next()) {
      fields++;
    }
    assertEquals(6, fields);
    assertFalse(key.publicJwks().contains("\"d\""));
  }

  @Test
  void toStringNeverShowsPrivateMaterial() {
    Ed25519SigningKey key = Ed25519SigningKey.fromPrivateKeyBytes(D);
    String s = key.toString();
    assertTrue(s.contains(VECTOR_KID));
    assertFalse(s.contains(Base64.getUrlEncoder().withoutPadding().encodeToString(D)));
    assertFalse(s.contains(HexFormat.of().formatHex(D)));
    assertFalse(s.contains(Base64.getEncoder().encodeToString(ed25519Pkcs8(D))));
  }

  @Test
  void signingKeyIsAFinalClassAndTheGuardSignsWithTheKeyItWasGiven() {
    // issue 10: not an interface the guard rejects at build time, a final class it always honours
    assertFalse(SigningKey.class.isInterface());
    assertTrue(java.lang.reflect.Modifier.isFinal(SigningKey.class.getModifiers()));
    SigningKey key = SigningKey.fromPem(pem("PRIVATE KEY", ed25519Pkcs8(D)));
    assertEquals("SigningKey{kid=" + VECTOR_KID + "}", key.toString());
    try (dev.agentguard.core.AgentGuard guard = dev.agentguard.core.AgentGuard.builder()
        .policy(dev.agentguard.core.PolicySet.parse("version: 1\npolicies: []\n"))
        .auditSink(dev.agentguard.core.AuditSinks.inMemory()).signingKey(key).build();
        dev.agentguard.AgentTask task = guard.startTask(dev.agentguard.TaskSpec.builder(
            dev.agentguard.AgentIdentity.of("bot")).scopes("**").build())) {
      assertEquals(key.publicJwks(), guard.publicJwks());
      dev.agentguard.CredentialClaims claims = dev.agentguard.core.CredentialVerifier.builder().key(key).build()
          .verify(task.credential().token());
      assertEquals(VECTOR_KID, claims.keyId());
    }
  }

  @Test
  void rejectsWrongLengthRawKey() {
    assertThrows(IllegalArgumentException.class,
        () -> Ed25519SigningKey.fromPrivateKeyBytes(new byte[31]));
  }

  static void assertNoKeyBytes(String message, String pemText) {
    for (String line : pemText.split("\n")) {
      if (!line.startsWith("-----") && line.length() >= 16) {
        assertFalse(message.contains(line.substring(0, 16)), "message leaks key bytes");
      }
    }
  }
}
