package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;

/**
 * A sink that takes the already encoded line, so the pipeline serialises each event once.
 *
 * @since 0.1.0
 */
public interface EncodedAuditSink extends AuditSink {
  /**
   * Takes one event and its line ({@code line[off..off+len)}, ending with {@code \n}). The array is
   * reused after the call returns. Throwing means it was not taken.
   */
  void write(AuditEvent event, byte[] line, int off, int len) throws Exception;

  /**
   * The head of the chain this sink already holds (e.g. the last line of an existing file), or
   * {@code null} when it starts empty.
   */
  default ChainHead resumeHead() {
    return null;
  }
}
