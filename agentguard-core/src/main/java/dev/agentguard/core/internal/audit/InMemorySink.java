package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.InMemoryAuditSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps events in memory. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemorySink implements InMemoryAuditSink {
  private final List<AuditEvent> events = new ArrayList<>();
  private boolean closed;

  /** Creates an empty sink. */
  public InMemorySink() {}

  @Override
  public synchronized void write(AuditEvent event) {
    if (closed) {
      throw new IllegalStateException("in-memory audit sink is closed");
    }
    events.add(event);
  }

  @Override
  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
