package dev.agentguard.core.internal.jose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentguard.core.internal.Base64Url;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parses a JWK set of Ed25519 public keys into trusted keys indexed by their RFC 7638 thumbprint:
 * the one JWK parser for Ed25519 keys (task-credential verifiers, the guard, and the audit trail's
 * checkpoint verification).
 *
 * <p>Strict: the document must be {@code {"keys":[...]}} with at least one key; every key must be
 * {@code kty OKP}, {@code crv Ed25519}, with a canonical base64url {@code x} that is a valid,
 * prime-order public key; {@code kid}, when present, must equal the thumbprint; {@code use}, when
 * present, must be {@code sig}; {@code alg}, when present, must be {@code EdDSA}. A key carrying
 * private material ({@code d}) is refused so that a verifier never holds a signing key.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class JwkSets {
  private JwkSets() {}

  /**
   * Parses a JWK set.
   *
   * @param jwks the JWK set JSON
   * @return an unmodifiable map from key id (thumbprint) to key, in document order
   * @throws IllegalArgumentException when the set is malformed or holds an unsupported key; the
   *     message names the offending entry by index, never key material
   */
  public static Map<String, Ed25519.PublicKey> parse(String jwks) {
    Objects.requireNonNull(jwks, "jwks");
    ObjectNode root = JoseJson.TOKENS.parseObject(jwks);
    if (root == null) {
      throw new IllegalArgumentException("JWK set is not a JSON object (or exceeds the limits)");
    }
    JsonNode keys = root.get("keys");
    if (keys == null || !keys.isArray() || keys.isEmpty()) {
      throw new IllegalArgumentException("JWK set must have a non-empty \"keys\" array");
    }
    Map<String, Ed25519.PublicKey> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      JsonNode jwk = keys.get(i);
      String where = "JWK set entry " + i;
      if (!jwk.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      if (jwk.has("d")) {
        throw new IllegalArgumentException(where
            + " contains private key material (d); give verifiers the public JWK set only");
      }
      requireText(jwk, "kty", "OKP", where);
      requireText(jwk, "crv", "Ed25519", where);
      optionalText(jwk, "use", "sig", where);
      optionalText(jwk, "alg", Ed25519.JWS_ALGORITHM, where);
      JsonNode x = jwk.get("x");
      byte[] raw = x != null && x.isTextual() ? Base64Url.decodeCanonical(x.textValue()) : null;
      if (raw == null || raw.length != Ed25519.PUBLIC_KEY_SIZE) {
        throw new IllegalArgumentException(
            where + " has no canonical base64url 32-byte \"x\"");
      }
      Ed25519.PublicKey key = Ed25519.parsePublicKey(raw);
      if (key == null) {
        throw new IllegalArgumentException(where
            + " is not a valid Ed25519 public key (small-order, non-canonical or off the curve)");
      }
      String thumbprint = Thumbprints.ed25519(raw);
      JsonNode kid = jwk.get("kid");
      if (kid != null && !(kid.isTextual() && kid.textValue().equals(thumbprint))) {
        throw new IllegalArgumentException(where
            + " has a kid that is not its RFC 7638 thumbprint " + thumbprint);
      }
      if (out.put(thumbprint, key) != null) {
        throw new IllegalArgumentException(where + " duplicates key " + thumbprint);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static void requireText(JsonNode jwk, String name, String expected, String where) {
    JsonNode v = jwk.get(name);
    if (v == null || !v.isTextual() || !v.textValue().equals(expected)) {
      throw new IllegalArgumentException(where + " must have \"" + name + "\":\"" + expected
          + "\" (only Ed25519 keys are supported)");
    }
  }

  private static void optionalText(JsonNode jwk, String name, String expected, String where) {
    if (jwk.has(name)) {
      requireText(jwk, name, expected, where);
    }
  }
}
