package dev.agentguard.core.credential;

import dev.agentguard.core.TestClock;
import static dev.agentguard.core.credential.Tokens.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.TaskCredential;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.internal.credential.CredentialIssuer;
import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issued token format: exact header, ordered claims, jti, truncation, limits. */
class CredentialIssuerTest {
  final Ed25519SigningKey key = Ed25519SigningKey.generate();
  final CredentialIssuer issuer = new CredentialIssuer(key, "agentguard", "agentguard-tools");

  static String part(String token, int i) {
    return new String(Tokens.unb64(token.split("\\.")[i]), StandardCharsets.UTF_8);
  }

  @Test
  void headerIsExactlyAlgTypKid() {
    TaskCredential c = issuer.issue("a", "t", List.of("x"), null, T0, T0.plusSeconds(60));
    assertEquals("{\"alg\":\"EdDSA\",\"typ\":\"agentguard-task+jwt\",\"kid\":\"" + key.keyId()
        + "\"}", part(c.token(), 0));
  }

  @Test
  void claimsAreDeterministicAndInOrder() {
    TaskCredential c = issuer.issue("agent-1", "task-1", List.of("fs.read", "web.*"), "alice",
        T0.plusMillis(900), T0.plusSeconds(60).plusMillis(999));
    long t = T0.getEpochSecond();
    assertEquals("{\"iss\":\"agentguard\",\"sub\":\"agent-1\",\"aud\":\"agentguard-tools\","
        + "\"jti\":\"" + c.id() + "\",\"iat\":" + t + ",\"nbf\":" + t + ",\"exp\":" + (t + 60)
        + ",\"tid\":\"task-1\",\"scp\":[\"fs.read\",\"web.*\"],\"obo\":\"alice\"}",
        part(c.token(), 1));
    assertEquals(T0, c.issuedAt());                   // truncated to the second
    assertEquals(T0.plusSeconds(60), c.expiresAt());
    assertEquals(List.of("fs.read", "web.*"), c.scopes());
  }

  @Test
  void omitsOboWhenAbsent() {
    TaskCredential c = issuer.issue("a", "t", List.of(), null, T0, T0.plusSeconds(60));
    assertFalse(part(c.token(), 1).contains("obo"));
    assertTrue(part(c.token(), 1).contains("\"scp\":[]"));
  }

  @Test
  void jtiIs128RandomBitsBase64Url() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      TaskCredential c = issuer.issue("a", "t", List.of("x"), null, T0, T0.plusSeconds(60));
      assertEquals(16, Tokens.unb64(c.id()).length);
      assertEquals(22, c.id().length());
      ids.add(c.id());
    }
    assertEquals(500, ids.size());
  }

  @Test
  void escapesHostileStringsAsJsonData() {
    String hostile = "a\"},\"aud\":\"x\",\"scp\":[\"**\"],\"z\":{\"";
    TaskCredential c = issuer.issue(hostile, "t\n\u0000", List.of("\"**\""), "o\\", T0,
        T0.plusSeconds(60));
    var claims = CredentialVerifier.builder().publicJwks(key.publicJwks()).clock(new TestClock(T0)).build()
        .verify(c.token());
    assertEquals(hostile, claims.subject());
    assertEquals("t\n\u0000", claims.taskId());
    assertEquals(List.of("\"**\""), claims.scopes());
    assertEquals("agentguard-tools", claims.audience());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("", "t", List.of(), null, T0, T0.plusSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("a", "", List.of(), null, T0, T0.plusSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("a", "t", List.of(), null, T0, T0));
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("a", "t", List.of(), null, T0, T0.plusMillis(999)));
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("a", "t", List.of(), null, Instant.ofEpochSecond(-1), T0));
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("a", "t", List.of(), null, T0, Instant.parse("+10000-01-01T00:00:00Z")));
    assertThrows(NullPointerException.class,
        () -> issuer.issue("a", "t", null, null, T0, T0.plusSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new CredentialIssuer(key, "", "aud"));
  }

  @Test
  void refusesToIssueATokenTheVerifierWouldRejectForSize() {
    List<String> scopes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      scopes.add("tool.number." + i);
    }
    assertThrows(IllegalArgumentException.class,
        () -> issuer.issue("a", "t", scopes, null, T0, T0.plusSeconds(60)));
  }
}
