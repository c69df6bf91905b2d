package dev.agentguard.core;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import java.util.List;

/**
 * An audit sink that keeps every event in memory, for tests and small tools. Thread-safe; writes
 * after {@link #close()} throw {@link IllegalStateException}.
 *
 * @since 0.1.0
 */
public interface InMemoryAuditSink extends AuditSink {
  /** A snapshot copy of the events taken so far, in the order taken. */
  List<AuditEvent> events();
}
