package dev.agentguard;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A secret a {@link SecretBroker} issued for one task: an id the broker revokes it by, the
 * server-side principal it grants (a database role, an ACL user), the instant the server itself stops
 * honouring it, non-secret connection details and the secret material. Modelled on a Vault lease
 * ({@code lease_id}, {@code lease_duration}, {@code data}): the id, principal, expiry and details are
 * safe to log and audit; the material is a {@link SecretValue} that never shows itself.
 *
 * <p>Not a record on purpose: a record's generated {@code toString} would print the material.
 * Immutable and thread-safe (the material can only be wiped).
 *
 * @since 0.2.0
 */
public final class SecretLease {
  private final String id;
  private final String principal;
  private final Instant expiresAt;
  private final Map<String, String> details;
  private final SecretValue secret;

  private SecretLease(String id, String principal, Instant expiresAt, Map<String, String> details,
      SecretValue secret) {
    this.id = id;
    this.principal = principal;
    this.expiresAt = expiresAt;
    this.details = details;
    this.secret = secret;
  }

  /**
   * A lease.
   *
   * @param id the broker's id of the lease (not secret; audited), e.g. the role name plus a nonce
   * @param principal the server-side identity the secret authenticates as (not secret; audited)
   * @param expiresAt when the server stops accepting the secret on its own (not later than the
   *     {@link LeaseRequest#notAfter()} it was issued for)
   * @param details non-secret connection details (e.g. {@code jdbcUrl}); copied
   * @param secret the secret material
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code id} or {@code principal} is blank
   */
  public static SecretLease of(String id, String principal, Instant expiresAt, Map<String, String> details,
      SecretValue secret) {
    if (Objects.requireNonNull(id, "id").isBlank() || Objects.requireNonNull(principal, "principal").isBlank()) {
      throw new IllegalArgumentException("a lease needs a non-blank id and principal");
    }
    return new SecretLease(id, principal, Objects.requireNonNull(expiresAt, "expiresAt"),
        Map.copyOf(Objects.requireNonNull(details, "details")), Objects.requireNonNull(secret, "secret"));
  }

  /** The broker's id of this lease. */
  public String id() {
    return id;
  }

  /** The server-side principal the secret authenticates as: the login or user name. */
  public String principal() {
    return principal;
  }

  /** When the server stops honouring the secret on its own. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Non-secret connection details the broker offers (e.g. {@code jdbcUrl}); may be empty. */
  public Map<String, String> details() {
    return details;
  }

  /** The secret material. */
  public SecretValue secret() {
    return secret;
  }

  /** The id, principal and expiry; never the material. */
  @Override
  public String toString() {
    return "SecretLease{id=" + id + ", principal=" + principal + ", expiresAt=" + expiresAt + ", secret=[redacted]}";
  }
}
