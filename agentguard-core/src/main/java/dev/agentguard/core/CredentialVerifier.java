package dev.agentguard.core;

import dev.agentguard.CredentialClaims;
import dev.agentguard.CredentialException;
import dev.agentguard.core.internal.Settings;
import dev.agentguard.core.internal.credential.CredentialFormat;
import dev.agentguard.core.internal.credential.StrictCredentialVerifier;
import dev.agentguard.core.internal.jose.Ed25519;
import dev.agentguard.core.internal.jose.JwkSets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Verifies AgentGuard task credentials (compact JWS, Ed25519) that arrive from outside the JVM,
 * e.g. in a downstream service that a tool forwarded the token to.
 *
 * <p>{@link #verify(String)} checks, in this order, and stops at the first failure:
 * <ol>
 *   <li>Shape, before any decoding or cryptography: at most 4096 characters, exactly three
 *       non-empty dot-separated parts, only the unpadded base64url alphabet
 *       ({@link CredentialException.Reason#MALFORMED MALFORMED}).
 *   <li>Verified-token cache: a token that verified before skips steps 3-6; time (step 7) and
 *       revocation (step 8) are still checked against the current clock on every call.
 *   <li>Canonical base64url (unused trailing bits zero) and strict JSON: UTF-8, duplicate names
 *       rejected, nesting at most 8, bounded strings and numbers, header and claims objects
 *       ({@code MALFORMED}).
 *   <li>Header: {@code typ} exactly {@code agentguard-task+jwt} ({@code WRONG_TYPE}, which is what
 *       rejects a JWT-SVID or an ID token); only {@code alg}, {@code typ}, {@code kid} allowed, so
 *       {@code jwk, jku, x5u, x5c, x5t, x5t#S256, crit, b64} and unknown parameters are refused
 *       ({@code UNSUPPORTED_HEADER}); {@code alg} exactly {@code EdDSA} ({@code UNSUPPORTED_HEADER}
 *       otherwise, including {@code none}, {@code HS256}, a missing alg, and the RFC 9864 name
 *       {@code Ed25519}, which AgentGuard does not issue); {@code kid} must name a trusted key
 *       ({@code BAD_SIGNATURE}).
 *   <li>Signature: exactly 64 bytes, strict Ed25519 with the pinned key (S &lt; L, no small-order
 *       keys) ({@code BAD_SIGNATURE}). Nothing in the claims is trusted before this.
 *   <li>Claims: {@code iss, sub, jti, tid} non-empty strings; {@code aud} a string or a non-empty
 *       array of strings; {@code scp} an array of strings; {@code obo} absent or a string;
 *       {@code iat, nbf, exp} required integer JSON numbers within [0, 253402300799] (no strings,
 *       fractions, exponents or values beyond {@code long}) ({@code INVALID_CLAIMS}). Unknown
 *       claims are ignored (RFC 7519). Then {@code iss} must equal the expected issuer and
 *       {@code aud} contain the expected audience ({@code WRONG_AUDIENCE}).
 *   <li>Time, with {@code now = clock.instant()} and {@code L} the leeway: the credential is valid
 *       iff {@code now < exp + L} (else {@code EXPIRED}: on or after {@code exp + L} is rejected,
 *       per RFC 7519), {@code now >= nbf - L} and {@code now >= iat - L} (else
 *       {@code NOT_YET_VALID}). With {@code L = 0} and {@code exp = T}: {@code T - 1s} passes,
 *       {@code T} and {@code T + 1s} are expired; with {@code nbf = T}: {@code T - 1s} is not yet
 *       valid, {@code T} passes.
 *   <li>Revocation: the {@link Builder#revocation(Predicate) predicate}; true, or an exception
 *       (fail closed), gives {@code REVOKED}.
 * </ol>
 * Exception messages never contain the token or key material.
 *
 * <p>Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface CredentialVerifier {
  /**
   * A new builder. Exactly one of {@link Builder#publicJwks(String)} or
   * {@link Builder#key(SigningKey)} is required.
   *
   * @return the builder
   * @since 0.1.0
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies a task credential.
   *
   * @param token the compact JWS
   * @return the verified claims
   * @throws CredentialException with the {@link CredentialException.Reason} of the first failed
   *     check (see the class description); never any other exception for any input string
   * @since 0.1.0
   */
  CredentialClaims verify(String token);

  /**
   * Builds a {@link CredentialVerifier}. Every option may be set at most once; a second call
   * throws {@link IllegalStateException}. Not thread-safe; the verifier it builds is.
   *
   * @since 0.1.0
   */
  final class Builder {
    /** Largest accepted leeway. */
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);
    /** Default leeway. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    /** Default size of the verified-token cache. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** Largest accepted cache size. */
    public static final int MAX_CACHE_SIZE = 1_000_000;

    private Map<String, Ed25519.PublicKey> keys;
    private String issuer;
    private String audience;
    private Clock clock;
    private Duration leeway;
    private Predicate<CredentialClaims> revocation;
    private Integer cacheSize;

    private Builder() {}

    /**
     * Trusts the Ed25519 keys of a JWK set, as produced by {@link SigningKey#publicJwks()}. Keys
     * are identified by their RFC 7638 thumbprint.
     *
     * @param jwks the JWK set JSON
     * @return this builder
     * @throws IllegalArgumentException when the set is malformed, empty, holds a non-Ed25519 key,
     *     private material, an invalid or small-order key, or a {@code kid} that is not the key's
     *     thumbprint
     * @throws IllegalStateException when keys were already given
     * @since 0.1.0
     */
    public Builder publicJwks(String jwks) {
      Objects.requireNonNull(jwks, "jwks");
      Settings.requireUnset(keys, "publicJwks/key");
      keys = JwkSets.parse(jwks);
      return this;
    }

    /**
     * Trusts the public part of one signing key.
     *
     * @param key the key
     * @return this builder
     * @throws IllegalStateException when keys were already given
     * @since 0.1.0
     */
    public Builder key(SigningKey key) {
      Objects.requireNonNull(key, "key");
      Settings.requireUnset(keys, "publicJwks/key");
      keys = JwkSets.parse(key.publicJwks());
      return this;
    }

    /**
     * The expected {@code iss}; default {@code "agentguard"}.
     *
     * @param issuer non-empty
     * @return this builder
     * @throws IllegalArgumentException when empty
     * @throws IllegalStateException when already set
     * @since 0.1.0
     */
    public Builder issuer(String issuer) {
      Settings.requireUnset(this.issuer, "issuer");
      this.issuer = requireNonEmpty(issuer, "issuer");
      return this;
    }

    /**
     * The audience {@code aud} must contain; default {@code "agentguard-tools"}.
     *
     * @param audience non-empty
     * @return this builder
     * @throws IllegalArgumentException when empty
     * @throws IllegalStateException when already set
     * @since 0.1.0
     */
    public Builder audience(String audience) {
      Settings.requireUnset(this.audience, "audience");
      this.audience = requireNonEmpty(audience, "audience");
      return this;
    }

    /**
     * The time source; default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException when already set
     * @since 0.1.0
     */
    public Builder clock(Clock clock) {
      Settings.requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Clock-skew allowance applied to {@code exp}, {@code nbf} and {@code iat}; default 30 s.
     *
     * @param leeway between zero and five minutes inclusive
     * @return this builder
     * @throws IllegalArgumentException when negative or over five minutes
     * @throws IllegalStateException when already set
     * @since 0.1.0
     */
    public Builder leeway(Duration leeway) {
      Objects.requireNonNull(leeway, "leeway");
      Settings.requireUnset(this.leeway, "leeway");
      this.leeway = Settings.between(leeway, Duration.ZERO, MAX_LEEWAY, "leeway");
      return this;
    }

    /**
     * A revocation check run on every {@link CredentialVerifier#verify(String)}, after signature and
     * time checks, including for cached tokens. It must be thread-safe and fast; if it throws, the
     * credential is rejected as {@code REVOKED} (fail closed). Default: nothing is revoked.
     *
     * @param isRevoked true when the credential (or its task or agent) is revoked
     * @return this builder
     * @throws IllegalStateException when already set
     * @since 0.1.0
     */
    public Builder revocation(Predicate<CredentialClaims> isRevoked) {
      Settings.requireUnset(this.revocation, "revocation");
      this.revocation = Objects.requireNonNull(isRevoked, "isRevoked");
      return this;
    }

    /**
     * Maximum number of verified tokens cached (default 10,000); 0 disables the cache. An entry
     * never outlives {@code exp + leeway} (nor one hour), and a hit still re-checks time and
     * revocation.
     *
     * @param maximumSize 0 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException when already set
     * @since 0.1.0
     */
    public Builder cacheSize(int maximumSize) {
      Settings.requireUnset(this.cacheSize, "cacheSize");
      if (maximumSize < 0 || maximumSize > MAX_CACHE_SIZE) {
        throw new IllegalArgumentException(
            "cacheSize must be between 0 and " + MAX_CACHE_SIZE + ", got " + maximumSize);
      }
      this.cacheSize = maximumSize;
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return a thread-safe verifier
     * @throws IllegalStateException when no key was given
     * @since 0.1.0
     */
    public CredentialVerifier build() {
      if (keys == null) {
        throw new IllegalStateException("a trusted key is required: call publicJwks(..) or key(..)");
      }
      return new StrictCredentialVerifier(
          keys,
          issuer != null ? issuer : CredentialFormat.DEFAULT_ISSUER,
          audience != null ? audience : CredentialFormat.DEFAULT_AUDIENCE,
          clock != null ? clock : Clock.systemUTC(),
          leeway != null ? leeway : DEFAULT_LEEWAY,
          revocation != null ? revocation : claims -> false,
          cacheSize != null ? cacheSize : DEFAULT_CACHE_SIZE);
    }

    private static String requireNonEmpty(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }
  }
}
