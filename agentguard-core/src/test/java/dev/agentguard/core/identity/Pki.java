package dev.agentguard.core.identity;

import dev.agentguard.core.TestClock;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test keys, JWKs, tokens and certificates, all generated here. */
final class Pki {
  static final KeyPair P256 = ec("secp256r1");
  static final KeyPair P256_OTHER = ec("secp256r1");
  static final KeyPair P384 = ec("secp384r1");
  static final KeyPair RSA = rsa(2048);

  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private Pki() {}

  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64u(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String b64u(String s) {
    return b64u(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] fixed(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[len];
    int copy = Math.min(raw.length, len);
    System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
    return out;
  }

  /** Public JWK members (without braces) of an EC or RSA key. */
  static String jwkMembers(PublicKey key) {
    if (key instanceof ECPublicKey) {
      ECPublicKey ec = (ECPublicKey) key;
      int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
      String crv = size == 32 ? "P-256" : size == 48 ? "P-384" : "P-521";
      return "\"kty\":\"EC\",\"crv\":\"" + crv + "\",\"x\":\"" + b64u(fixed(ec.getW().getAffineX(), size))
          + "\",\"y\":\"" + b64u(fixed(ec.getW().getAffineY(), size)) + "\"";
    }
    RSAPublicKey rsa = (RSAPublicKey) key;
    return "\"kty\":\"RSA\",\"n\":\"" + b64u(unsigned(rsa.getModulus())) + "\",\"e\":\""
        + b64u(unsigned(rsa.getPublicExponent())) + "\"";
  }

  static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 && b.length > 1 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  static String jwtJwk(String kid, PublicKey key) {
    return "{\"use\":\"jwt-svid\",\"kid\":\"" + kid + "\"," + jwkMembers(key) + "}";
  }

  static String x509Jwk(X509Certificate ca) {
    try {
      return "{\"use\":\"x509-svid\"," + jwkMembers(ca.getPublicKey()) + ",\"x5c\":[\""
          + Base64.getEncoder().encodeToString(ca.getEncoded()) + "\"]}";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String bundle(String trustDomain, String... keys) {
    return "{\"trust_domain\":\"" + trustDomain + "\",\"spiffe_sequence\":1,\"keys\":["
        + String.join(",", keys) + "]}";
  }

  /** Compact JWS over raw header and claims JSON. */
  static String sign(String alg, PrivateKey key, String headerJson, String claimsJson) {
    String input = b64u(headerJson) + "." + b64u(claimsJson);
    return input + "." + b64u(signature(alg, key, input.getBytes(StandardCharsets.US_ASCII)));
  }

  static byte[] signature(String alg, PrivateKey key, byte[] input) {
    try {
      switch (alg) {
        case "ES256":
        case "ES384": {
          Signature s = Signature.getInstance(alg.equals("ES256") ? "SHA256withECDSA" : "SHA384withECDSA");
          s.initSign(key);
          s.update(input);
          ASN1Sequence seq = ASN1Sequence.getInstance(s.sign());
          int half = alg.equals("ES256") ? 32 : 48;
          byte[] out = new byte[2 * half];
          System.arraycopy(fixed(ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(), half), 0, out, 0, half);
          System.arraycopy(fixed(ASN1Integer.getInstance(seq.getObjectAt(1)).getValue(), half), 0, out, half, half);
          return out;
        }
        case "RS256": {
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initSign(key);
          s.update(input);
          return s.sign();
        }
        case "PS256": {
          Signature s = Signature.getInstance("RSASSA-PSS");
          s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
          s.initSign(key);
          s.update(input);
          return s.sign();
        }
        case "EdDSA": {
          Signature s = Signature.getInstance("Ed25519");
          s.initSign(key);
          s.update(input);
          return s.sign();
        }
        default:
          throw new IllegalArgumentException(alg);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- certificates ----

  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  /** A self-signed CA valid around NOW. */
  static Cert ca(String name) {
    return ca(name, null, NOW.minusSeconds(86400), NOW.plusSeconds(86400 * 365));
  }

  static Cert ca(String name, Cert issuer, Instant from, Instant to) {
    KeyPair kp = ec("secp256r1");
    X509Certificate c = build(new X500Name("CN=" + name), kp.getPublic(),
        issuer == null ? new X500Name("CN=" + name) : new X500Name(issuer.cert.getSubjectX500Principal().getName()),
        issuer == null ? kp.getPrivate() : issuer.key, from, to, true,
        KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of());
    return new Cert(c, kp.getPrivate());
  }

  /** A leaf with the given URI SANs and key usage (-1: no key usage extension). */
  static Cert leaf(Cert issuer, List<String> uris, int keyUsage, boolean isCa, Instant from, Instant to) {
    KeyPair kp = ec("secp256r1");
    X509Certificate c = build(new X500Name("CN=leaf"), kp.getPublic(),
        new X500Name(issuer.cert.getSubjectX500Principal().getName()), issuer.key, from, to, isCa, keyUsage, uris);
    return new Cert(c, kp.getPrivate());
  }

  static Cert leaf(Cert issuer, String uri) {
    return leaf(issuer, List.of(uri), KeyUsage.digitalSignature, false, NOW.minusSeconds(3600),
        NOW.plusSeconds(3600));
  }

  /**
   * A leaf whose subjectAltName extension value is {@code san} exactly as given (any ASN.1, so tests
   * can build malformed or unusual SAN lists); null: no SAN extension.
   */
  static Cert leafWithSan(Cert issuer, org.bouncycastle.asn1.ASN1Encodable san) {
    KeyPair kp = ec("secp256r1");
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          new X500Name(issuer.cert.getSubjectX500Principal().getName()),
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(NOW.minusSeconds(3600)),
          Date.from(NOW.plusSeconds(3600)), new X500Name("CN=leaf"), kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      if (san != null) {
        b.addExtension(Extension.subjectAlternativeName, false, san);
      }
      X509Certificate c = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.key)));
      return new Cert(c, kp.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** SAN general names: a URI, a DNS name, ... */
  static GeneralNames names(GeneralName... names) {
    return new GeneralNames(names);
  }

  static GeneralName uri(String uri) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
  }

  static GeneralName dns(String name) {
    return new GeneralName(GeneralName.dNSName, name);
  }

  private static X509Certificate build(X500Name subject, PublicKey key, X500Name issuer, PrivateKey signer,
      Instant from, Instant to, boolean isCa, int keyUsage, List<String> uris) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject, key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (keyUsage >= 0) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      }
      if (!uris.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String u : uris) {
          names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
        }
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate and its private key. */
  static final class Cert {
    final X509Certificate cert;
    final PrivateKey key;

    Cert(X509Certificate cert, PrivateKey key) {
      this.cert = cert;
      this.key = key;
    }
  }
}
