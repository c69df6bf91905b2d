package dev.agentguard.core.internal.credential;

import dev.agentguard.TaskCredential;
import dev.agentguard.core.internal.Base64Url;
import dev.agentguard.core.internal.jose.JoseJson;
import dev.agentguard.core.internal.jose.NumericDate;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Issues task credentials: compact JWS tokens signed with Ed25519.
 *
 * <p>Header, exactly: {@code {"alg":"EdDSA","typ":"agentguard-task+jwt","kid":"<thumbprint>"}}.
 * Claims, in this order: {@code iss, sub, aud, jti, iat, nbf, exp, tid, scp}, then {@code obo} and {@code prf} when
 * given. {@code iat}, {@code nbf} and {@code exp} are NumericDates in whole seconds: the issue
 * and expiry instants are truncated to the second, and the returned {@link TaskCredential}
 * carries the truncated values, so in-process checks and the token agree. {@code nbf = iat}. The
 * {@code jti} is 128 random bits, base64url.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CredentialIssuer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Ed25519SigningKey key;
  private final String issuer;
  private final String audience;
  private final String encodedHeader;

  /**
   * An issuer signing with {@code key}.
   *
   * @param key the signing key
   * @param issuer the {@code iss} claim, non-empty
   * @param audience the {@code aud} claim, non-empty
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when issuer or audience is empty
   */
  public CredentialIssuer(Ed25519SigningKey key, String issuer, String audience) {
    this.key = Objects.requireNonNull(key, "key");
    this.issuer = requireNonEmpty(issuer, "issuer");
    this.audience = requireNonEmpty(audience, "audience");
    String header = JoseJson.TOKENS.write(g -> {
      g.writeStartObject();
      g.writeStringField("alg", CredentialFormat.ALG);
      g.writeStringField("typ", CredentialFormat.TYP);
      g.writeStringField("kid", key.keyId());
      g.writeEndObject();
    });
    this.encodedHeader = Base64Url.encode(header.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Issues a credential.
   *
   * @param agentId the {@code sub} claim, non-empty
   * @param taskId the {@code tid} claim, non-empty
   * @param scopes the {@code scp} claim: tool-name globs (may be empty; no null elements)
   * @param onBehalfOf the {@code obo} claim, or {@code null} to omit it
   * @param issuedAt issue time ({@code iat} and {@code nbf}), truncated to the second
   * @param expiresAt expiry ({@code exp}), truncated to the second
   * @return the credential with {@code id = jti}
   * @throws NullPointerException when a required argument or a scope is null
   * @throws IllegalArgumentException when an id is empty, a time lies outside
   *     [1970-01-01T00:00:00Z, 9999-12-31T23:59:59Z], or the truncated expiry is not after the
   *     truncated issue time
   */
  public TaskCredential issue(String agentId, String taskId, List<String> scopes,
      String onBehalfOf, Instant issuedAt, Instant expiresAt) {
    return issue(agentId, taskId, scopes, onBehalfOf, null, issuedAt, expiresAt);
  }

  /**
   * As {@link #issue(String, String, List, String, Instant, Instant)}, recording how the agent's
   * identity was proven in the {@code prf} claim ({@code "jwt-svid"}, {@code "x509-svid"}).
   *
   * @param agentProof the proof of the agent's workload identity, or {@code null} when unverified
   */
  public TaskCredential issue(String agentId, String taskId, List<String> scopes,
      String onBehalfOf, String agentProof, Instant issuedAt, Instant expiresAt) {
    requireNonEmpty(agentId, "agentId");
    requireNonEmpty(taskId, "taskId");
    List<String> scp = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    long iat = NumericDate.of(Objects.requireNonNull(issuedAt, "issuedAt"), "issuedAt");
    long exp = NumericDate.of(Objects.requireNonNull(expiresAt, "expiresAt"), "expiresAt");
    if (exp <= iat) {
      throw new IllegalArgumentException("expiresAt " + expiresAt
          + " must be at least one whole second after issuedAt " + issuedAt);
    }
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    String jti = Base64Url.encode(id);
    String claims = JoseJson.TOKENS.write(g -> {
      g.writeStartObject();
      g.writeStringField("iss", issuer);
      g.writeStringField("sub", agentId);
      g.writeStringField("aud", audience);
      g.writeStringField("jti", jti);
      g.writeNumberField("iat", iat);
      g.writeNumberField("nbf", iat);
      g.writeNumberField("exp", exp);
      g.writeStringField("tid", taskId);
      g.writeArrayFieldStart("scp");
      for (String s : scp) {
        g.writeString(s);
      }
      g.writeEndArray();
      if (onBehalfOf != null) {
        g.writeStringField("obo", onBehalfOf);
      }
      if (agentProof != null) {
        g.writeStringField("prf", agentProof);
      }
      g.writeEndObject();
    });
    String signingInput =
        encodedHeader + "." + Base64Url.encode(claims.getBytes(StandardCharsets.UTF_8));
    byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
    String token = signingInput + "." + Base64Url.encode(signature);
    if (token.length() > CredentialFormat.MAX_TOKEN_LENGTH) {
      throw new IllegalArgumentException("credential would be " + token.length()
          + " characters, over the verifier's limit of " + CredentialFormat.MAX_TOKEN_LENGTH
          + "; use fewer or shorter scopes");
    }
    return new TaskCredential(jti, token, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp),
        scp);
  }

  private static String requireNonEmpty(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }
}
