package dev.agentguard.core.audit;

import dev.agentguard.core.internal.audit.CheckpointSigner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** A checkpoint signer backed by Bouncy Castle's Ed25519, for tests. */
final class TestSigner implements CheckpointSigner {
  private final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
  private final String x = b64(key.generatePublicKey().getEncoded());
  private final String kid;

  TestSigner() {
    try {
      byte[] json = ("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}").getBytes(StandardCharsets.UTF_8);
      kid = b64(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public String keyId() {
    return kid;
  }

  @Override
  public byte[] sign(byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  @Override
  public String publicJwks() {
    return "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\",\"kid\":\"" + kid
        + "\",\"use\":\"sig\",\"alg\":\"EdDSA\"}]}";
  }
}
