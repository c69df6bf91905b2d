package dev.agentguard.core.spi;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.internal.audit.AuditJson;
import dev.agentguard.core.internal.audit.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * An {@link AuditSink} that takes each event together with its line: the event's canonical JSON
 * bytes (the bytes its {@code hash} covers, see {@code docs/audit.md}) with the {@code hash} member,
 * UTF-8, ending with {@code \n} &mdash; exactly what the JSON Lines sink writes and
 * {@code AuditLog.verify} reads back. A sink that ships records elsewhere (a message broker, a log
 * store) implements this to send those bytes as they are, so the far end can verify the chain
 * without re-encoding; the pipeline encodes each event once and hands every such sink the same
 * line.
 *
 * <p>The contract of {@link AuditSink} holds: called from the audit writer thread only, in sequence
 * order; throwing means not taken (the same event and line are offered again); {@link #flush()}
 * returns only once everything taken is durable where the sink keeps it, which is what releases a
 * write-ahead caller. Implementations need not be thread-safe.
 *
 * @since 0.2.0
 */
public interface AuditLineSink extends AuditSink {
  /**
   * Takes one event and its line ({@code line[off..off+len)}, ending with {@code \n}). The array is
   * reused after the call returns: copy what must outlive it.
   *
   * @throws Exception if it was not taken (it is offered again)
   */
  void write(AuditEvent event, byte[] line, int off, int len) throws Exception;

  /**
   * Takes one sealed event, encoding its line with {@link #lineOf(AuditEvent)}. The pipeline never
   * calls this on a line sink; it is there for callers that hold events only.
   *
   * @throws IllegalArgumentException if {@code event} is not sealed (has no {@code hash})
   * @throws Exception as {@link #write(AuditEvent, byte[], int, int)} does
   */
  @Override
  default void write(AuditEvent event) throws Exception {
    byte[] line = lineOf(event);
    write(event, line, 0, line.length);
  }

  /**
   * The line of a sealed event: its canonical bytes with the {@code hash} member, then {@code \n}.
   * For an event parsed from a trail, these are the bytes that were written. Thread-safe.
   *
   * @throws IllegalArgumentException if {@code event} has no {@code hash}
   * @throws NullPointerException if {@code event} is null
   */
  static byte[] lineOf(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (event.hash() == null) {
      throw new IllegalArgumentException("event seq " + event.seq() + " is not sealed (no hash)");
    }
    ByteBuf buf = new ByteBuf(512);
    AuditJson.writeCanonical(event, buf);
    AuditJson.appendHash(buf, event.hash());
    return Arrays.copyOf(buf.array(), buf.length());
  }
}
