package dev.agentguard.core.internal.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.AgentIdentity;
import dev.agentguard.core.TrustBundle;
import dev.agentguard.core.internal.FileWatch;
import dev.agentguard.core.internal.Hashing;
import dev.agentguard.core.internal.jose.JoseJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Parsing and building of {@link TrustBundle}s. Stateless and thread-safe. */
public final class TrustBundles {
  private TrustBundles() {}

  /** The bundle's {@code use} for JWT-SVID authorities. */
  static final String USE_JWT = "jwt-svid";
  /** The bundle's {@code use} for X.509-SVID authorities. */
  static final String USE_X509 = "x509-svid";

  /**
   * Reads a bundle file.
   *
   * @param trustDomain the expected trust domain, or null when the file must name it
   * @throws IllegalArgumentException naming the file when it cannot be read or is invalid
   */
  public static TrustBundle load(String trustDomain, Path file) {
    Objects.requireNonNull(file, "file");
    return parse(trustDomain, readBounded(file), file.toString());
  }

  static byte[] readBounded(Path file) {
    try {
      return FileWatch.readBounded(file, TrustBundle.MAX_BYTES);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read trust bundle " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses bundle text.
   *
   * @throws IllegalArgumentException naming the source when invalid
   */
  public static TrustBundle parse(String trustDomain, String text, String source) {
    Objects.requireNonNull(text, "text");
    return parse(trustDomain, text.getBytes(StandardCharsets.UTF_8), source);
  }

  static TrustBundle parse(String trustDomain, byte[] bytes, String source) {
    try {
      return parseOrThrow(trustDomain, bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid trust bundle " + source + ": " + e.getMessage(), e);
    }
  }

  private static TrustBundle parseOrThrow(String expectedTd, byte[] bytes) {
    if (bytes.length > TrustBundle.MAX_BYTES) {
      throw new IllegalArgumentException("larger than " + TrustBundle.MAX_BYTES + " bytes");
    }
    if (expectedTd != null) {
      checkTrustDomain(expectedTd);
    }
    String version = Hashing.sha256Tagged(bytes);
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      if (expectedTd == null) {
        throw new IllegalArgumentException("empty, and an empty document names no trust domain");
      }
      // an explicitly emptied document: a valid bundle with no authorities (revokes trust)
      return new TrustBundleImpl(expectedTd, List.of(), List.of(), List.of(), version);
    }
    if (text.startsWith("-----BEGIN")) {
      if (expectedTd == null) {
        throw new IllegalArgumentException("a PEM bundle needs the trust domain to be given");
      }
      return new TrustBundleImpl(expectedTd, pemCertificates(bytes), List.of(), List.of(), version);
    }
    JsonNode root = JoseJson.SPIFFE.parseObject(bytes);
    if (root == null) {
      throw new IllegalArgumentException("not a JSON object (or not UTF-8, duplicate names, nesting deeper than "
          + JoseJson.MAX_DEPTH + ", trailing data)");
    }
    String td = expectedTd;
    JsonNode tdNode = root.get("trust_domain");
    if (tdNode != null) {
      if (!tdNode.isTextual()) {
        throw new IllegalArgumentException("trust_domain is not a string");
      }
      checkTrustDomain(tdNode.textValue());
      if (td != null && !td.equals(tdNode.textValue())) {
        throw new IllegalArgumentException("names trust domain '" + tdNode.textValue() + "', expected '"
            + td + "'");
      }
      td = tdNode.textValue();
    }
    if (td == null) {
      throw new IllegalArgumentException("no trust_domain member and none given");
    }
    JsonNode keys = root.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new IllegalArgumentException("'keys' must be an array");
    }
    List<X509Certificate> cas = new ArrayList<>();
    List<JwtKey> jwtKeys = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    int index = 0;
    for (Iterator<JsonNode> it = keys.elements(); it.hasNext(); index++) {
      JsonNode jwk = it.next();
      String where = "keys[" + index + "]";
      if (!jwk.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      JsonNode use = jwk.get("use");
      if (use == null) {
        ignored.add(where + ": no 'use'");
        continue;
      }
      if (!use.isTextual()) {
        throw new IllegalArgumentException(where + " has a 'use' that is not a string");
      }
      if (use.textValue().equals(USE_JWT)) {
        String skip = BundleKeys.unusableJwtKey(jwk, where);
        if (skip != null) {
          ignored.add(where + " (jwt-svid): " + skip);
        } else {
          jwtKeys.add(BundleKeys.jwtKey(jwk, where));
        }
      } else if (use.textValue().equals(USE_X509)) {
        cas.add(x509Authority(jwk, where));
      } else {
        ignored.add(where + ": unknown use '" + JwtSvids.printable(use.textValue()) + "'");
      }
    }
    return new TrustBundleImpl(td, cas, jwtKeys, ignored, version);
  }


  private static X509Certificate x509Authority(JsonNode jwk, String where) {
    JsonNode x5c = jwk.get("x5c");
    if (x5c == null || !x5c.isArray() || x5c.size() != 1 || !x5c.get(0).isTextual()) {
      throw new IllegalArgumentException(where + " (x509-svid) must have an x5c of exactly one certificate");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(x5c.get(0).textValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " x5c is not base64");
    }
    List<X509Certificate> certs = certificates(der, where);
    if (certs.size() != 1) {
      throw new IllegalArgumentException(where + " x5c must hold exactly one certificate");
    }
    X509Certificate ca = certs.get(0);
    if (jwk.has("kty")) {
      PublicKey declared = BundleKeys.publicKey(jwk, where);
      if (!Arrays.equals(declared.getEncoded(), ca.getPublicKey().getEncoded())) {
        throw new IllegalArgumentException(where + " key parameters do not match its certificate");
      }
    }
    return ca;
  }


  private static List<X509Certificate> pemCertificates(byte[] pem) {
    List<X509Certificate> certs = certificates(pem, "PEM");
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no certificates in PEM");
    }
    return certs;
  }

  private static List<X509Certificate> certificates(byte[] bytes, String where) {
    try {
      Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : parsed) {
        X509Certificate x = (X509Certificate) c;
        if (x.getBasicConstraints() < 0) {
          throw new IllegalArgumentException(where + " holds a certificate that is not a CA");
        }
        out.add(x);
      }
      return out;
    } catch (CertificateException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(where + " is not a valid certificate", e);
    }
  }

  /**
   * A bundle from memory.
   *
   * @throws IllegalArgumentException on an invalid trust domain or key
   */
  public static TrustBundle of(String trustDomain, List<X509Certificate> x509Authorities,
      Map<String, PublicKey> jwtAuthorities) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    checkTrustDomain(trustDomain);
    List<X509Certificate> cas = List.copyOf(x509Authorities);
    List<JwtKey> keys = new ArrayList<>();
    MessageDigest md = Hashing.sha256();
    md.update(trustDomain.getBytes(StandardCharsets.UTF_8));
    for (X509Certificate ca : cas) {
      try {
        md.update(ca.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot encode certificate " + ca.getSubjectX500Principal(), e);
      }
    }
    for (Map.Entry<String, PublicKey> e : new java.util.TreeMap<>(jwtAuthorities).entrySet()) {
      keys.add(JwtKey.of(e.getKey(), Objects.requireNonNull(e.getValue(), "key"), null));
      md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      md.update(e.getValue().getEncoded());
    }
    return new TrustBundleImpl(trustDomain, cas, keys, List.of(), "sha256:" + Hashing.hex(md.digest()));
  }

  static void checkTrustDomain(String td) {
    AgentIdentity probe;
    try {
      probe = AgentIdentity.of("spiffe://" + td);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid trust domain name (" + e.getMessage() + ")");
    }
    if (!probe.path().orElse("").isEmpty()) {
      throw new IllegalArgumentException("invalid trust domain name");
    }
  }

  /** The immutable bundle. */
  static final class TrustBundleImpl implements TrustBundle {
    private final String trustDomain;
    private final List<X509Certificate> cas;
    private final Map<String, JwtKey> keys;
    private final Map<String, PublicKey> publicKeys;
    private final List<String> ignored;
    private final String version;

    TrustBundleImpl(String trustDomain, List<X509Certificate> cas, List<JwtKey> jwtKeys, List<String> ignored,
        String version) {
      this.trustDomain = trustDomain;
      this.cas = List.copyOf(cas);
      this.ignored = List.copyOf(ignored);
      Map<String, JwtKey> k = new LinkedHashMap<>();
      Map<String, PublicKey> pk = new LinkedHashMap<>();
      for (JwtKey key : jwtKeys) {
        if (k.put(key.kid, key) != null) {
          throw new IllegalArgumentException("duplicate JWT authority key id '" + key.kid + "'");
        }
        pk.put(key.kid, key.key);
      }
      this.keys = Collections.unmodifiableMap(k);
      this.publicKeys = Collections.unmodifiableMap(pk);
      this.version = version;
    }

    JwtKey jwtKey(String kid) {
      return keys.get(kid);
    }

    @Override
    public String trustDomain() {
      return trustDomain;
    }

    @Override
    public List<X509Certificate> x509Authorities() {
      return cas;
    }

    @Override
    public Map<String, PublicKey> jwtAuthorities() {
      return publicKeys;
    }

    @Override
    public String version() {
      return version;
    }

    @Override
    public List<String> ignoredElements() {
      return ignored;
    }

    @Override
    public String toString() {
      return "TrustBundle[" + trustDomain + ", " + cas.size() + " x509 authorities, " + keys.size()
          + " jwt authorities, " + ignored.size() + " ignored elements, " + version + "]";
    }
  }
}
