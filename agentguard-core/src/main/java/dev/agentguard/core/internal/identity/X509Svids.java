package dev.agentguard.core.internal.identity;

import static dev.agentguard.IdentityException.Reason.EXPIRED;
import static dev.agentguard.IdentityException.Reason.INVALID_CERTIFICATE;
import static dev.agentguard.IdentityException.Reason.INVALID_SPIFFE_ID;
import static dev.agentguard.IdentityException.Reason.MALFORMED;
import static dev.agentguard.IdentityException.Reason.NOT_YET_VALID;
import static dev.agentguard.IdentityException.Reason.UNTRUSTED_CHAIN;
import static dev.agentguard.IdentityException.Reason.UNTRUSTED_TRUST_DOMAIN;

import dev.agentguard.AgentIdentity;
import dev.agentguard.IdentityException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * X.509-SVID verification (SPIFFE X509-SVID sections 4 and 5). Stateless and thread-safe.
 *
 * <p>Order of checks: chain shape; leaf has exactly one URI SAN holding a valid SPIFFE ID with a
 * non-root path; leaf is not a CA; leaf key usage (digitalSignature, no keyCertSign or cRLSign); trust domain bundle; leaf
 * validity at the clock; PKIX path validation to the bundle's X.509 authorities at the clock.
 */
final class X509Svids {
  /** Longest chain accepted (leaf plus intermediates). */
  static final int MAX_CHAIN = 16;

  private X509Svids() {}

  static String verify(List<X509Certificate> chain, Function<String, TrustBundles.TrustBundleImpl> bundles,
      long nowMillis, PKIXCertPathChecker revocationChecker) {
    if (chain == null || chain.isEmpty()) {
      throw new IdentityException(MALFORMED, "empty certificate chain");
    }
    if (chain.size() > MAX_CHAIN) {
      throw new IdentityException(MALFORMED, "certificate chain longer than " + MAX_CHAIN);
    }
    for (X509Certificate c : chain) {
      if (c == null) {
        throw new IdentityException(MALFORMED, "null certificate in the chain");
      }
    }
    X509Certificate leaf = chain.get(0);
    String spiffeId = uriSan(leaf);
    AgentIdentity subject;
    try {
      subject = AgentIdentity.of(spiffeId);
    } catch (IllegalArgumentException e) {
      throw new IdentityException(INVALID_SPIFFE_ID, "URI SAN: " + e.getMessage());
    }
    if (subject.trustDomain().isEmpty()) {
      throw new IdentityException(INVALID_SPIFFE_ID, "URI SAN is not a SPIFFE ID");
    }
    if (subject.path().orElse("").isEmpty()) {
      throw new IdentityException(INVALID_SPIFFE_ID,
          "URI SAN names a trust domain only; an X.509-SVID's SPIFFE ID must have a path (X509-SVID 3.1)");
    }
    if (leaf.getBasicConstraints() != -1) {
      throw new IdentityException(INVALID_CERTIFICATE, "leaf certificate is a CA");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      throw new IdentityException(INVALID_CERTIFICATE, "leaf certificate has no key usage");
    }
    if (ku.length < 1 || !ku[0]) {
      throw new IdentityException(INVALID_CERTIFICATE, "leaf key usage lacks digitalSignature");
    }
    if ((ku.length > 5 && ku[5]) || (ku.length > 6 && ku[6])) {
      throw new IdentityException(INVALID_CERTIFICATE, "leaf key usage has keyCertSign or cRLSign");
    }
    String td = subject.trustDomain().get();
    TrustBundles.TrustBundleImpl bundle = bundles.apply(td);
    if (bundle == null) {
      throw new IdentityException(UNTRUSTED_TRUST_DOMAIN, "no trust bundle for trust domain '" + td + "'");
    }
    if (bundle.x509Authorities().isEmpty()) {
      throw new IdentityException(UNTRUSTED_CHAIN, "the bundle of '" + td + "' has no X.509 authorities");
    }
    Date now = new Date(nowMillis);
    try {
      leaf.checkValidity(now);
    } catch (CertificateExpiredException e) {
      throw new IdentityException(EXPIRED, "leaf certificate expired");
    } catch (CertificateNotYetValidException e) {
      throw new IdentityException(NOT_YET_VALID, "leaf certificate not yet valid");
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate ca : bundle.x509Authorities()) {
      anchors.add(new TrustAnchor(ca, null));
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    // a presented chain may end with a root the bundle holds; the anchor is not part of the path
    while (path.size() > 1 && bundle.x509Authorities().contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setDate(now);
      params.setRevocationEnabled(revocationChecker != null);
      if (revocationChecker != null) {
        params.addCertPathChecker(revocationChecker);
      }
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    } catch (GeneralSecurityException e) {
      throw new IdentityException(UNTRUSTED_CHAIN, "chain does not validate to the bundle of '" + td + "': "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IdentityException(UNTRUSTED_CHAIN, "chain does not validate to the bundle of '" + td + "'", e);
    }
    return subject.id();
  }

  /**
   * The one URI of the leaf's subjectAltName extension (2.5.29.17), read from the extension's DER
   * with Bouncy Castle: the JDK's {@code getSubjectAlternativeNames()} drops the whole list when it
   * cannot parse one URI (e.g. a host ending in a dot), which would hide both valid IDs and hostile
   * second URIs. Other name types (DNS, IP, ...) may appear beside the URI (X509-SVID section 2).
   */
  private static String uriSan(X509Certificate leaf) {
    byte[] extension = leaf.getExtensionValue(Extension.subjectAlternativeName.getId());
    if (extension == null) {
      throw new IdentityException(INVALID_CERTIFICATE, "leaf must have exactly one URI SAN, has 0");
    }
    GeneralName[] names;
    try {
      byte[] der = ASN1OctetString.getInstance(extension).getOctets();
      names = GeneralNames.getInstance(ASN1Primitive.fromByteArray(der)).getNames();
    } catch (IOException | RuntimeException e) {
      throw new IdentityException(MALFORMED, "unreadable subject alternative names");
    }
    if (names.length == 0) {
      throw new IdentityException(MALFORMED, "subject alternative names extension is empty");
    }
    String uri = null;
    int count = 0;
    for (GeneralName name : names) {
      if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
        count++;
        try {
          uri = DERIA5String.getInstance(name.getName()).getString();
        } catch (RuntimeException e) {
          throw new IdentityException(MALFORMED, "unreadable URI SAN");
        }
      }
    }
    if (count != 1) {
      throw new IdentityException(INVALID_CERTIFICATE, "leaf must have exactly one URI SAN, has " + count);
    }
    return uri;
  }
}
