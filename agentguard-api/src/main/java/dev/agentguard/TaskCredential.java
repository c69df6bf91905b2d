package dev.agentguard;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A task's short-lived credential: a compact JWS (Ed25519) scoped to tool globs.
 *
 * <p>{@link #toString()} never shows the token.
 *
 * @param id the credential id ({@code jti})
 * @param token the signed token; a secret
 * @param issuedAt issue time
 * @param expiresAt expiry; after it every call is denied {@code CREDENTIAL_EXPIRED}
 * @param scopes tool-name globs
 * @since 0.1.0
 */
public record TaskCredential(String id, String token, Instant issuedAt, Instant expiresAt, List<String> scopes) {
  /** Validates and copies. */
  public TaskCredential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = List.copyOf(scopes);
  }

  @Override
  public String toString() {
    return "TaskCredential{id=" + id + ", token=<redacted>, issuedAt=" + issuedAt + ", expiresAt="
        + expiresAt + ", scopes=" + scopes + "}";
  }
}
