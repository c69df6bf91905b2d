package dev.agentguard.core.internal.credential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.agentguard.CredentialClaims;
import dev.agentguard.CredentialException;
import dev.agentguard.CredentialException.Reason;
import dev.agentguard.core.CredentialVerifier;
import dev.agentguard.core.internal.Base64Url;
import dev.agentguard.core.internal.jose.Ed25519;
import dev.agentguard.core.internal.jose.JoseJson;
import dev.agentguard.core.internal.jose.NumericDate;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The strict task-credential verifier behind {@link CredentialVerifier#builder()}. The order of
 * checks and the exact time semantics are documented on {@link CredentialVerifier}.
 *
 * <p>Thread-safe: immutable configuration plus a concurrent Caffeine cache of verified tokens.
 *
 * @since 0.1.0
 */
public final class StrictCredentialVerifier implements CredentialVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(StrictCredentialVerifier.class);

  /** Header parameters that would let the token choose its own key: always refused. */
  private static final Set<String> KEY_HEADERS =
      Set.of("jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "kty");
  /** The only header parameters allowed. */
  private static final Set<String> ALLOWED_HEADERS = Set.of("alg", "typ", "kid");
  /** A cached entry never lives longer than this, whatever the token's exp. */
  private static final Duration MAX_CACHE_LIFETIME = Duration.ofHours(1);

  private final Map<String, Ed25519.PublicKey> keys;
  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final Duration leeway;
  private final Predicate<CredentialClaims> revocation;
  private final Cache<String, CredentialClaims> cache;
  private final AtomicBoolean revocationFailureLogged = new AtomicBoolean();
  private final Instant tickerOrigin;

  /**
   * A verifier; all arguments validated by the public builder.
   *
   * @param keys trusted keys by key id (non-empty)
   * @param issuer expected {@code iss}
   * @param audience expected {@code aud}
   * @param clock the time source
   * @param leeway clock-skew allowance, 0 to 5 minutes
   * @param revocation true when a credential is revoked; must be thread-safe
   * @param cacheSize maximum verified tokens cached; 0 disables the cache
   */
  public StrictCredentialVerifier(Map<String, Ed25519.PublicKey> keys, String issuer,
      String audience, Clock clock, Duration leeway, Predicate<CredentialClaims> revocation,
      int cacheSize) {
    this.keys = Map.copyOf(keys);
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.leeway = Objects.requireNonNull(leeway, "leeway");
    this.revocation = Objects.requireNonNull(revocation, "revocation");
    this.tickerOrigin = clock.instant();
    this.cache = cacheSize == 0 ? null : Caffeine.newBuilder()
        .maximumSize(cacheSize)
        .ticker(this::clockNanos)
        .expireAfter(new UntilExpiry())
        .build();
  }

  @Override
  public CredentialClaims verify(String token) {
    // 1. Shape, before any decoding or cryptography.
    if (token == null) {
      throw fail(Reason.MALFORMED, "token is null");
    }
    int n = token.length();
    if (n > CredentialFormat.MAX_TOKEN_LENGTH) {
      throw fail(Reason.MALFORMED,
          "token is longer than " + CredentialFormat.MAX_TOKEN_LENGTH + " characters");
    }
    int d1 = token.indexOf('.');
    int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
    if (d2 < 0 || token.indexOf('.', d2 + 1) >= 0) {
      throw fail(Reason.MALFORMED, "not a compact JWS of exactly three parts");
    }
    if (d1 == 0 || d2 == d1 + 1 || d2 == n - 1) {
      throw fail(Reason.MALFORMED, "empty header, payload or signature part");
    }
    if (!Base64Url.isAlphabet(token, 0, d1) || !Base64Url.isAlphabet(token, d1 + 1, d2)
        || !Base64Url.isAlphabet(token, d2 + 1, n)) {
      throw fail(Reason.MALFORMED,
          "character outside the unpadded base64url alphabet (padding, '+', '/', whitespace?)");
    }

    // 2. A token verified before: only time and revocation can have changed.
    if (cache != null) {
      CredentialClaims cached = cache.getIfPresent(token);
      if (cached != null) {
        checkTime(cached, token);
        checkRevocation(cached);
        return cached;
      }
    }

    // 3. Canonical decoding and strict, bounded JSON parsing (still no cryptography).
    byte[] headerBytes = Base64Url.decodeCanonical(token.substring(0, d1));
    byte[] payloadBytes = Base64Url.decodeCanonical(token.substring(d1 + 1, d2));
    byte[] signature = Base64Url.decodeCanonical(token.substring(d2 + 1));
    if (headerBytes == null || payloadBytes == null || signature == null) {
      throw fail(Reason.MALFORMED, "non-canonical base64url");
    }
    ObjectNode header = JoseJson.TOKENS.parseObject(headerBytes);
    if (header == null) {
      throw fail(Reason.MALFORMED, "header is not a strict JSON object within limits");
    }
    ObjectNode payload = JoseJson.TOKENS.parseObject(payloadBytes);
    if (payload == null) {
      throw fail(Reason.MALFORMED, "claims are not a strict JSON object within limits");
    }

    // 4. Header: type, allowed parameters, pinned algorithm, known key.
    String kid = checkHeader(header);
    Ed25519.PublicKey key = keys.get(kid);
    if (key == null) {
      throw fail(Reason.BAD_SIGNATURE, "unknown key id");
    }

    // 5. Signature with the pinned key, before any claim is trusted.
    if (signature.length != Ed25519.SIGNATURE_SIZE) {
      throw fail(Reason.BAD_SIGNATURE, "signature is not 64 bytes");
    }
    byte[] signingInput = token.substring(0, d2).getBytes(StandardCharsets.US_ASCII);
    if (!Ed25519.verify(key, signingInput, signature)) {
      throw fail(Reason.BAD_SIGNATURE, "signature does not verify");
    }

    // 6. Claims, issuer and audience, time, revocation.
    CredentialClaims claims = parseClaims(payload, kid);
    checkTime(claims, null);
    checkRevocation(claims);
    if (cache != null) {
      cache.put(token, claims);
    }
    return claims;
  }

  private String checkHeader(ObjectNode header) {
    JsonNode typ = header.get("typ");
    if (typ == null || !typ.isTextual() || !CredentialFormat.TYP.equals(typ.textValue())) {
      throw fail(Reason.WRONG_TYPE, "typ is not " + CredentialFormat.TYP);
    }
    for (Iterator<String> names = header.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (KEY_HEADERS.contains(name)) {
        throw fail(Reason.UNSUPPORTED_HEADER,
            "header parameter " + name + " refused: keys are pinned, never taken from a token");
      }
      if (name.equals("crit")) {
        throw fail(Reason.UNSUPPORTED_HEADER, "crit refused: no extensions are understood");
      }
      if (name.equals("b64")) {
        throw fail(Reason.UNSUPPORTED_HEADER, "b64 refused: unencoded payloads are not supported");
      }
      if (!ALLOWED_HEADERS.contains(name)) {
        throw fail(Reason.UNSUPPORTED_HEADER, "unknown header parameter");
      }
    }
    JsonNode alg = header.get("alg");
    if (alg == null) {
      throw fail(Reason.UNSUPPORTED_HEADER, "alg is missing");
    }
    if (!alg.isTextual() || !CredentialFormat.ALG.equals(alg.textValue())) {
      throw fail(Reason.UNSUPPORTED_HEADER, "alg is not " + CredentialFormat.ALG);
    }
    JsonNode kid = header.get("kid");
    if (kid == null || !kid.isTextual()) {
      throw fail(Reason.BAD_SIGNATURE, "kid is missing or not a string");
    }
    return kid.textValue();
  }

  private CredentialClaims parseClaims(ObjectNode c, String kid) {
    String iss = requiredString(c, "iss");
    String sub = requiredString(c, "sub");
    String jti = requiredString(c, "jti");
    String tid = requiredString(c, "tid");
    boolean audienceMatches = audienceMatches(c.get("aud"));
    List<String> scopes = scopes(c.get("scp"));
    String obo = optionalString(c, "obo");
    Instant iat = numericDate(c, "iat");
    Instant nbf = numericDate(c, "nbf");
    Instant exp = numericDate(c, "exp");
    if (!issuer.equals(iss)) {
      throw fail(Reason.WRONG_AUDIENCE, "iss is not the expected issuer " + issuer);
    }
    if (!audienceMatches) {
      throw fail(Reason.WRONG_AUDIENCE, "aud does not contain the expected audience " + audience);
    }
    String prf = optionalString(c, "prf");
    return new CredentialClaims(iss, sub, audience, jti, tid, scopes, obo, iat, nbf, exp, kid, prf);
  }

  /** An optional string claim: absent gives {@code null}, any other type is invalid. */
  private static String optionalString(ObjectNode c, String name) {
    JsonNode v = c.get(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw fail(Reason.INVALID_CLAIMS, name + " is not a string");
    }
    return v.textValue();
  }

  private static String requiredString(ObjectNode c, String name) {
    JsonNode v = c.get(name);
    if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
      throw fail(Reason.INVALID_CLAIMS, name + " is missing or not a non-empty string");
    }
    return v.textValue();
  }

  private boolean audienceMatches(JsonNode aud) {
    if (aud != null && aud.isTextual()) {
      return audience.equals(aud.textValue());
    }
    if (aud == null || !aud.isArray() || aud.isEmpty()) {
      throw fail(Reason.INVALID_CLAIMS, "aud is missing or not a string or non-empty array");
    }
    boolean found = false;
    for (JsonNode a : aud) {
      if (!a.isTextual()) {
        throw fail(Reason.INVALID_CLAIMS, "aud array holds a non-string");
      }
      found |= audience.equals(a.textValue());
    }
    return found;
  }

  private static List<String> scopes(JsonNode scp) {
    if (scp == null || !scp.isArray()) {
      throw fail(Reason.INVALID_CLAIMS, "scp is missing or not an array");
    }
    List<String> out = new ArrayList<>(scp.size());
    for (JsonNode s : scp) {
      if (!s.isTextual()) {
        throw fail(Reason.INVALID_CLAIMS, "scp holds a non-string");
      }
      out.add(s.textValue());
    }
    return out;
  }

  private static Instant numericDate(ObjectNode c, String name) {
    JsonNode v = c.get(name);
    if (v == null) {
      throw fail(Reason.INVALID_CLAIMS, name + " is required");
    }
    try {
      return Instant.ofEpochSecond(NumericDate.seconds(v));
    } catch (IllegalArgumentException e) {
      throw fail(Reason.INVALID_CLAIMS, name + " " + e.getMessage());
    }
  }

  /**
   * Valid iff {@code now < exp + leeway}, {@code now >= nbf - leeway} and
   * {@code now >= iat - leeway}.
   */
  private void checkTime(CredentialClaims claims, String cachedToken) {
    Instant now = clock.instant();
    if (!now.isBefore(claims.expiresAt().plus(leeway))) {
      if (cachedToken != null) {
        cache.invalidate(cachedToken);
      }
      throw fail(Reason.EXPIRED, "expired at " + claims.expiresAt() + " (leeway " + leeway + ")");
    }
    if (now.isBefore(claims.notBefore().minus(leeway))) {
      throw fail(Reason.NOT_YET_VALID,
          "not valid before " + claims.notBefore() + " (leeway " + leeway + ")");
    }
    if (now.isBefore(claims.issuedAt().minus(leeway))) {
      throw fail(Reason.NOT_YET_VALID,
          "issued in the future at " + claims.issuedAt() + " (leeway " + leeway + ")");
    }
  }

  private void checkRevocation(CredentialClaims claims) {
    boolean revoked;
    try {
      revoked = revocation.test(claims);
    } catch (RuntimeException e) {
      if (revocationFailureLogged.compareAndSet(false, true)) {
        LOG.warn("revocation check threw; rejecting credentials until it recovers", e);
      } else {
        LOG.debug("revocation check threw again: {}", e.getClass().getName());
      }
      throw fail(Reason.REVOKED, "revocation check failed; failing closed");
    }
    if (revoked) {
      throw fail(Reason.REVOKED, "credential " + claims.credentialId() + " is revoked");
    }
  }

  /** Nanoseconds of the verifier's clock since construction, clamped far from overflow. */
  private long clockNanos() {
    Duration since = Duration.between(tickerOrigin, clock.instant());
    long bound = Long.MAX_VALUE / 4;
    if (since.getSeconds() > bound / 1_000_000_000L) {
      return bound;
    }
    if (since.getSeconds() < -bound / 1_000_000_000L) {
      return -bound;
    }
    return since.toNanos();
  }

  private static CredentialException fail(Reason reason, String message) {
    return new CredentialException(reason, message);
  }

  /** Entries expire at {@code exp + leeway} on the verifier's clock, and within an hour. */
  private final class UntilExpiry implements Expiry<String, CredentialClaims> {
    @Override
    public long expireAfterCreate(String key, CredentialClaims value, long currentTime) {
      Instant now = tickerOrigin.plusNanos(currentTime);
      Duration left = Duration.between(now, value.expiresAt().plus(leeway));
      if (left.isNegative()) {
        return 0;
      }
      return left.compareTo(MAX_CACHE_LIFETIME) > 0 ? MAX_CACHE_LIFETIME.toNanos() : left.toNanos();
    }

    @Override
    public long expireAfterUpdate(String key, CredentialClaims value, long currentTime,
        long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(String key, CredentialClaims value, long currentTime,
        long currentDuration) {
      return currentDuration;
    }
  }
}
