package dev.agentguard.core.audit;

import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;

/**
 * Child JVM of {@link NoOpLoggerTest}, run without an SLF4J provider: builds a guard with the
 * default sink (args[0] = "default") or with an explicit {@code AuditSinks.slf4j()} sink, and prints
 * {@code BUILT} or {@code REFUSED <message>}.
 */
public final class NoOpLoggerChild {
  private NoOpLoggerChild() {}

  /** Entry point. */
  public static void main(String[] args) {
    AgentGuard.Builder b = AgentGuard.builder().policy(AuditGuardSupport.POLICY);
    if (args.length > 0 && args[0].equals("explicit")) {
      b.auditSink(AuditSinks.slf4j());
    }
    if (args.length > 0 && args[0].equals("withInMemory")) {
      b.auditSink(AuditSinks.slf4j()).auditSink(AuditSinks.inMemory());
    }
    try (AgentGuard guard = b.build()) {
      System.out.println("BUILT");
    } catch (RuntimeException e) {
      System.out.println("REFUSED " + e.getMessage());
    }
  }
}
