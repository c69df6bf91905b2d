package dev.agentguard;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verified claims of a task credential.
 *
 * @param issuer {@code iss}
 * @param subject {@code sub}: the agent id
 * @param audience {@code aud}
 * @param credentialId {@code jti}
 * @param taskId {@code tid}
 * @param scopes {@code scp}: tool-name globs
 * @param onBehalfOf {@code obo}, or {@code null}
 * @param issuedAt {@code iat}
 * @param notBefore {@code nbf}
 * @param expiresAt {@code exp}
 * @param keyId the {@code kid} header: the RFC 7638 thumbprint of the signing key
 * @param agentProof {@code prf}: how the agent's workload identity was proven when the task started
 *     ({@code "jwt-svid"}, {@code "x509-svid"}), or {@code null} for an unverified agent
 * @since 0.1.0
 */
public record CredentialClaims(
    String issuer,
    String subject,
    String audience,
    String credentialId,
    String taskId,
    List<String> scopes,
    String onBehalfOf,
    Instant issuedAt,
    Instant notBefore,
    Instant expiresAt,
    String keyId,
    String agentProof) {
  /** Validates and copies. */
  public CredentialClaims {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = List.copyOf(scopes);
  }
}
