package dev.agentguard.core.internal.audit;

import java.util.Objects;

/**
 * The head of an audit chain: the sequence number and hash of its last event. A pipeline that
 * starts from a head writes its first event with {@code seq + 1} and {@code prev = hash}.
 *
 * @param seq the last event's sequence number, {@code >= 0} (0 with {@link AuditJson#GENESIS}
 *     means an empty chain)
 * @param hash the last event's hash, {@code "sha256:<64 hex>"}
 * @since 0.1.0
 */
public record ChainHead(long seq, String hash) {
  /** The head of an empty chain. */
  public static final ChainHead GENESIS = new ChainHead(0, AuditJson.GENESIS);

  /**
   * Validates the head.
   *
   * @throws IllegalArgumentException if {@code seq} is negative or {@code hash} is not a sha256 hash
   */
  public ChainHead {
    Objects.requireNonNull(hash, "hash");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, was " + seq);
    }
    if (!hash.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("hash must be sha256:<64 lower-case hex>");
    }
  }
}
