package dev.agentguard.core;

import dev.agentguard.core.internal.identity.TrustBundles;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * The trust material of one SPIFFE trust domain: its name, its JWT-SVID authorities (public keys by
 * key id) and its X.509-SVID authorities (CA certificates).
 *
 * <p><b>File format</b> (see {@code docs/workload-identity.md}): the SPIFFE bundle format, a JWK set
 * whose keys carry {@code "use": "jwt-svid"} (with {@code kid}; EC P-256/P-384 or RSA of 2048 to
 * 16384 bits) or {@code "use": "x509-svid"} (with an {@code x5c} holding exactly one CA
 * certificate), plus an optional AgentGuard member {@code "trust_domain"}. Elements AgentGuard can
 * never use are ignored and listed in {@link #ignoredElements()} (SPIFFE bundle 4.2): no
 * {@code use}, another {@code use}, a JWT authority of another key type, curve, algorithm or RSA
 * size. A damaged element of a supported type, private key material, a duplicate {@code kid} or
 * malformed JSON rejects the whole bundle. A file of PEM certificates is accepted as X.509
 * authorities only. An empty (or whitespace-only) document for a given trust domain is a valid
 * bundle with no authorities: emptying a bundle revokes trust. JSON is parsed strictly (UTF-8, no
 * duplicate names, bounded depth, at most {@value #MAX_BYTES} bytes).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public interface TrustBundle {
  /** Largest bundle file or text accepted, in bytes. */
  int MAX_BYTES = 1 << 20;

  /**
   * Parses a bundle whose JSON names its trust domain in {@code "trust_domain"}.
   *
   * @throws IllegalArgumentException if the text is not a valid bundle or names no trust domain
   */
  static TrustBundle parse(String json) {
    return TrustBundles.parse(null, json, "<string>");
  }

  /**
   * Parses a bundle (JSON, or PEM certificates) for the given trust domain. If the JSON names a trust
   * domain too, it must be the same.
   *
   * @throws IllegalArgumentException if the trust domain or the text is invalid
   */
  static TrustBundle parse(String trustDomain, String jsonOrPem) {
    return TrustBundles.parse(java.util.Objects.requireNonNull(trustDomain, "trustDomain"), jsonOrPem,
        "<string>");
  }

  /**
   * Reads a bundle file whose JSON names its trust domain.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read or is not a valid bundle
   */
  static TrustBundle load(Path file) {
    return TrustBundles.load(null, file);
  }

  /**
   * Reads a bundle file (JSON or PEM) for the given trust domain.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read or is not a valid bundle
   */
  static TrustBundle load(String trustDomain, Path file) {
    return TrustBundles.load(java.util.Objects.requireNonNull(trustDomain, "trustDomain"), file);
  }

  /**
   * A bundle built from keys and certificates in memory.
   *
   * @param trustDomain the trust domain name, e.g. {@code acme.example}
   * @param x509Authorities CA certificates X.509-SVIDs must chain to (may be empty)
   * @param jwtAuthorities JWT-SVID keys by key id (may be empty)
   * @throws IllegalArgumentException if the trust domain is invalid or a key is not EC
   *     P-256/P-384 or RSA of at least 2048 bits
   */
  static TrustBundle of(String trustDomain, List<X509Certificate> x509Authorities,
      Map<String, PublicKey> jwtAuthorities) {
    return TrustBundles.of(trustDomain, x509Authorities, jwtAuthorities);
  }

  /** The trust domain name, e.g. {@code acme.example}. */
  String trustDomain();

  /** The X.509-SVID authorities (unmodifiable). */
  List<X509Certificate> x509Authorities();

  /** The JWT-SVID authorities by key id (unmodifiable). */
  Map<String, PublicKey> jwtAuthorities();

  /** {@code "sha256:<hex>"} of the bytes the bundle was parsed from (of the DER/keys for {@link #of}). */
  String version();

  /**
   * The elements of the bundle document that were ignored because AgentGuard can never use them
   * (no {@code use}, an unknown {@code use}, a JWT authority of an unsupported key type, curve,
   * algorithm or RSA size), each as {@code "keys[<index>]...: <why>"}; empty for bundles built with
   * {@link #of} and for PEM bundles. Unmodifiable.
   *
   * @since 0.2.0
   */
  default List<String> ignoredElements() {
    return List.of();
  }
}
