package dev.agentguard.springboot;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;

/**
 * An audit sink that counts the guard's decisions in Micrometer: counter
 * {@code agentguard.decisions}, tagged {@code tool}, {@code decision} ({@code ALLOW}/{@code DENY})
 * and {@code code} (the deny code, {@code none} for an allow). It reads only those three fields of
 * {@code tool.decision} events (tool names are declared by the application, so the tag set is
 * bounded) and does nothing without a {@link MeterRegistry} bean. Thread-safe.
 *
 * @since 0.2.0
 */
public final class DecisionCounter implements AuditSink {
  /** The counter's name. */
  public static final String NAME = "agentguard.decisions";

  private final ObjectProvider<MeterRegistry> registry;

  /** Counts into the context's registry, looked up on each event. */
  public DecisionCounter(ObjectProvider<MeterRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public void write(AuditEvent e) {
    if (!"tool.decision".equals(e.type())) {
      return;
    }
    MeterRegistry r = registry.getIfAvailable();
    if (r == null) {
      return;
    }
    Counter.builder(NAME)
        .description("AgentGuard tool call decisions")
        .tag("tool", String.valueOf(e.tool()))
        .tag("decision", String.valueOf(e.decision()))
        .tag("code", e.code() == null ? "none" : e.code())
        .register(r)
        .increment();
  }

  /** Nothing to release: the meters belong to the registry. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "DecisionCounter";
  }
}
