/**
 * Internal: the JWS building blocks task credentials, JWT-SVIDs, trust bundles and the audit
 * verifier share, so each exists once: strict JOSE JSON ({@link JoseJson}), NumericDate
 * ({@link NumericDate}), Ed25519 with the strict checks ({@link Ed25519}), the strict Ed25519 JWK
 * set parser ({@link JwkSets}) and RFC 7638 thumbprints ({@link Thumbprints}). Canonical base64url
 * is {@link dev.agentguard.core.internal.Base64Url}; SHA-256 is
 * {@link dev.agentguard.core.internal.Hashing}. Not API.
 *
 * @since 0.2.0
 */
package dev.agentguard.core.internal.jose;
