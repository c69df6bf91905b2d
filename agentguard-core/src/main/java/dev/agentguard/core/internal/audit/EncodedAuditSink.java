package dev.agentguard.core.internal.audit;

import dev.agentguard.core.spi.AuditLineSink;

/**
 * A line sink that may continue a chain it already holds (the JSON Lines sink and its file).
 *
 * @since 0.1.0
 */
public interface EncodedAuditSink extends AuditLineSink {
  /**
   * The head of the chain this sink already holds (e.g. the last line of an existing file), or
   * {@code null} when it starts empty.
   */
  default ChainHead resumeHead() {
    return null;
  }
}
