package dev.agentguard.core.internal.identity;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * The two EC curves JWT-SVID authorities may use, P-256 and P-384, as the JDK names them. Stateless
 * and thread-safe.
 */
final class EcCurves {
  static final BigInteger P256_ORDER = params("secp256r1").getOrder();
  static final BigInteger P384_ORDER = params("secp384r1").getOrder();

  private EcCurves() {}

  /** The JDK's parameters of a named curve. */
  static ECParameterSpec params(String name) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(name));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + name, e);
    }
  }
}
