package dev.agentguard.core.internal.audit;

/**
 * Signs audit checkpoints with an Ed25519 key. The guard passes one backed by its signing key.
 * Called from the audit writer thread only.
 *
 * @since 0.1.0
 */
public interface CheckpointSigner {
  /** RFC 7638 thumbprint of the key, written into each checkpoint's {@code keyId}. */
  String keyId();

  /** The 64-byte Ed25519 signature of {@code message}. */
  byte[] sign(byte[] message);

  /**
   * The message a checkpoint signs: {@code "agentguard-checkpoint:v1:" + headSeq + ":" + headHash}
   * in UTF-8, where {@code headSeq} and {@code headHash} are the seq and hash of the event just
   * before the checkpoint (that is the checkpoint's {@code seq - 1} and its {@code prev}).
   */
  static byte[] message(long headSeq, String headHash) {
    return ("agentguard-checkpoint:v1:" + headSeq + ":" + headHash)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
