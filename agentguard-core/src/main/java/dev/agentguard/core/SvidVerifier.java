package dev.agentguard.core;

import dev.agentguard.AgentIdentity;
import dev.agentguard.IdentityException;
import dev.agentguard.core.internal.Settings;
import dev.agentguard.core.internal.identity.DefaultSvidVerifier;
import java.nio.file.Path;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies SPIFFE workload identity documents — JWT-SVIDs and X.509-SVIDs — against per-trust-domain
 * {@link TrustBundle}s and returns <em>verified</em> {@link AgentIdentity}s
 * ({@code verified() == true}, {@code proof()} {@code "jwt-svid"} or {@code "x509-svid"}).
 *
 * <p>Bundles given as files are re-read when their content changes (polled by SHA-256 every
 * {@link Builder#bundlePollInterval}, or on {@link #reload()}), so keys and CAs rotate without a
 * restart: a new version replaces the old one whole (a key it no longer lists stops verifying),
 * elements it carries that AgentGuard cannot use are ignored (logged once per version), and an
 * emptied file revokes every authority. An unreadable, truncated or invalid new file is logged and
 * the last good bundle stays.
 *
 * <p>The rules are in {@code docs/workload-identity.md}. Thread-safe: verification methods may be
 * called from any thread, concurrently with reloads.
 *
 * @since 0.1.0
 */
public interface SvidVerifier extends AutoCloseable {

  /** A new builder. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies a JWT-SVID (compact JWS): ES256/ES384/RS256/PS256 only, only the headers alg, kid and
   * typ ({@code JWT} or {@code JOSE}), kid found among the JWT authorities of the trust domain of
   * {@code sub}, {@code sub} a valid SPIFFE ID, {@code aud} containing the configured audience,
   * {@code exp} required (with the leeway); strict parsing, at most 8192 characters.
   *
   * @return the verified identity of {@code sub}
   * @throws IdentityException with a {@link IdentityException.Reason} when the token is rejected;
   *     the message never contains the token
   * @throws IllegalStateException if no audience was configured
   */
  AgentIdentity verifyJwtSvid(String token);

  /**
   * Verifies an X.509-SVID chain (leaf first, then intermediates; a trailing root held by the bundle
   * is allowed): exactly one URI SAN (read from the extension's DER, so no entry is hidden by the
   * JDK's parser) holding a valid SPIFFE ID with a path, leaf not a CA, key usage with
   * digitalSignature and without keyCertSign/cRLSign, leaf valid at the clock, and PKIX path
   * validation at the clock to the X.509 authorities of the SPIFFE ID's trust domain (no revocation
   * checking unless {@link Builder#revocationChecker} was set).
   *
   * @return the verified identity of the URI SAN
   * @throws IdentityException with a {@link IdentityException.Reason} when the chain is rejected
   */
  AgentIdentity verifyX509Svid(List<X509Certificate> chain);

  /**
   * Re-reads every bundle file now.
   *
   * @return true when at least one new bundle went live
   */
  boolean reload();

  /** The bundles in use now, by trust domain (an unmodifiable snapshot). */
  Map<String, TrustBundle> bundles();

  /** Stops watching bundle files. Idempotent; verification keeps working with the last bundles. */
  @Override
  void close();

  /**
   * Builds an {@link SvidVerifier}. Each option may be set once; bundles may be added several times
   * (one per trust domain). Not thread-safe.
   *
   * @since 0.1.0
   */
  final class Builder {
    /** Default leeway for exp/nbf/iat. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    /** Largest accepted leeway. */
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);
    /** Default interval between checks of bundle files. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
    /** Shortest non-zero poll interval accepted. */
    public static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);

    private final List<Map.Entry<String, Path>> files = new ArrayList<>();
    private final List<TrustBundle> bundles = new ArrayList<>();
    private String audience;
    private Clock clock;
    private Duration leeway;
    private Duration pollInterval;
    private PKIXCertPathChecker revocationChecker;

    private Builder() {}

    /**
     * Adds a bundle file whose JSON names its trust domain ({@code "trust_domain"}); it is loaded at
     * {@link #build()} and watched for changes.
     *
     * @throws NullPointerException if file is null
     */
    public Builder trustBundle(Path file) {
      files.add(new AbstractMap.SimpleImmutableEntry<>(null, Objects.requireNonNull(file, "file")));
      return this;
    }

    /**
     * Adds a bundle file (SPIFFE bundle JSON or PEM CA certificates) for the given trust domain; it
     * is loaded at {@link #build()} and watched for changes.
     *
     * @throws NullPointerException if an argument is null
     */
    public Builder trustBundle(String trustDomain, Path file) {
      files.add(new AbstractMap.SimpleImmutableEntry<>(Objects.requireNonNull(trustDomain, "trustDomain"),
          Objects.requireNonNull(file, "file")));
      return this;
    }

    /**
     * Adds a fixed bundle.
     *
     * @throws NullPointerException if bundle is null
     */
    public Builder trustBundle(TrustBundle bundle) {
      bundles.add(Objects.requireNonNull(bundle, "bundle"));
      return this;
    }

    /**
     * The audience every JWT-SVID's {@code aud} must contain. Required for {@link
     * SvidVerifier#verifyJwtSvid}.
     *
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if already set
     */
    public Builder audience(String audience) {
      Objects.requireNonNull(audience, "audience");
      if (audience.isBlank()) {
        throw new IllegalArgumentException("audience must not be blank");
      }
      Settings.requireUnset(this.audience, "audience");
      this.audience = audience;
      return this;
    }

    /**
     * The clock for exp/nbf/iat and certificate validity (default: system UTC).
     *
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      Settings.requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Clock-skew allowance for JWT-SVID times, 0 to 5 minutes (default 30 s).
     *
     * @throws IllegalArgumentException if negative or over 5 minutes
     * @throws IllegalStateException if already set
     */
    public Builder leeway(Duration leeway) {
      Objects.requireNonNull(leeway, "leeway");
      Settings.requireUnset(this.leeway, "leeway");
      this.leeway = Settings.between(leeway, Duration.ZERO, MAX_LEEWAY, "leeway");
      return this;
    }

    /**
     * How often bundle files are checked for changes (default 10 s); {@link Duration#ZERO} disables
     * polling (then only {@link SvidVerifier#reload()} re-reads them).
     *
     * @throws IllegalArgumentException if negative or below 100 ms (and not zero)
     * @throws IllegalStateException if already set
     */
    public Builder bundlePollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || (!interval.isZero() && interval.compareTo(MIN_POLL_INTERVAL) < 0)) {
        throw new IllegalArgumentException("bundle poll interval must be zero or at least 100 ms, was "
            + interval);
      }
      Settings.requireUnset(this.pollInterval, "bundlePollInterval");
      this.pollInterval = interval;
      return this;
    }

    /**
     * Enables revocation checking of X.509-SVID chains with the given checker (e.g. from
     * {@code CertPathValidator.getInstance("PKIX").getRevocationChecker()}); off by default.
     *
     * @throws IllegalStateException if already set
     */
    public Builder revocationChecker(PKIXCertPathChecker checker) {
      Settings.requireUnset(this.revocationChecker, "revocationChecker");
      this.revocationChecker = Objects.requireNonNull(checker, "checker");
      return this;
    }

    /**
     * Loads every bundle and builds the verifier; starts a daemon thread polling bundle files unless
     * the poll interval is zero or there are no files.
     *
     * @throws IllegalStateException if no bundle was added
     * @throws IllegalArgumentException if a bundle cannot be loaded (naming the file) or two bundles
     *     share a trust domain
     */
    public SvidVerifier build() {
      if (files.isEmpty() && bundles.isEmpty()) {
        throw new IllegalStateException("no trust bundle configured");
      }
      return new DefaultSvidVerifier(files, bundles, audience,
          clock != null ? clock : Clock.systemUTC(),
          leeway != null ? leeway : DEFAULT_LEEWAY,
          pollInterval != null ? pollInterval : DEFAULT_POLL_INTERVAL,
          revocationChecker);
    }
  }
}
