package dev.agentguard.core.internal.audit;

import dev.agentguard.core.internal.credential.Ed25519SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Signs the pipeline's signed records (checkpoints and the close record) with an Ed25519 key, and
 * names its public key for the opening record. The guard passes one backed by its signing key
 * ({@link #of}). Called from the audit writer thread only.
 *
 * @since 0.1.0
 */
public interface CheckpointSigner {
  /** RFC 7638 thumbprint of the key, written into each signed record's {@code keyId}. */
  String keyId();

  /**
   * The public key as a JWK set of one Ed25519 key, written into the opening record.
   *
   * @since 0.2.0
   */
  String publicJwks();

  /** The 64-byte Ed25519 signature of {@code message}. */
  byte[] sign(byte[] message);

  /**
   * A signer backed by {@code key}.
   *
   * @throws NullPointerException if {@code key} is null
   * @since 0.2.0
   */
  static CheckpointSigner of(Ed25519SigningKey key) {
    Objects.requireNonNull(key, "key");
    return new CheckpointSigner() {
      @Override
      public String keyId() {
        return key.keyId();
      }

      @Override
      public String publicJwks() {
        return key.publicJwks();
      }

      @Override
      public byte[] sign(byte[] message) {
        return key.sign(message);
      }
    };
  }

  /**
   * The message a checkpoint signs: {@code "agentguard-checkpoint:v1:" + headSeq + ":" + headHash}
   * in UTF-8, where {@code headSeq} and {@code headHash} are the seq and hash of the event just
   * before the checkpoint (that is the checkpoint's {@code seq - 1} and its {@code prev}).
   */
  static byte[] message(long headSeq, String headHash) {
    return ("agentguard-checkpoint:v1:" + headSeq + ":" + headHash).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The message a close record signs: {@code "agentguard-closed:v1:" + headSeq + ":" + headHash},
   * like {@link #message} but in its own domain, so a checkpoint signature can never pass as a
   * close record's.
   *
   * @since 0.2.0
   */
  static byte[] closeMessage(long headSeq, String headHash) {
    return ("agentguard-closed:v1:" + headSeq + ":" + headHash).getBytes(StandardCharsets.UTF_8);
  }
}
