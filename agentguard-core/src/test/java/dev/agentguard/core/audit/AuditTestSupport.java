package dev.agentguard.core.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.internal.audit.AuditConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Helpers shared by the audit tests. */
final class AuditTestSupport {
  private AuditTestSupport() {}

  static AuditConfig config(AuditSink... sinks) {
    return AuditConfig.defaults(List.of(sinks)).withCloseTimeout(Duration.ofSeconds(5));
  }

  static AuditEvent.Builder decision(String task, long i) {
    return AuditEvent.builder(AuditEvent.TOOL_DECISION).agent("agent-1").task(task).tool("files.read")
        .decision("ALLOW").attributes(Map.of("i", i));
  }

  /** Polls {@code condition} up to {@code timeout}; fails the test when it never holds. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  /** Captures what SLF4J simple writes to System.err while {@code body} runs. */
  static String captureStderr(ThrowingRunnable body) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    System.setErr(ps);
    try {
      body.run();
    } finally {
      System.setErr(old);
    }
    ps.flush();
    return out.toString(StandardCharsets.UTF_8);
  }

  static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
