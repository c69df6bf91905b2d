package dev.agentguard.core.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.JsonLinesOptions;
import dev.agentguard.core.internal.audit.AuditConfig;
import dev.agentguard.core.internal.audit.AuditPipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link AuditCrashTest}: writes audit events with an fsync per event until it is
 * killed (or, as a safety net, for at most 60 seconds).
 */
public final class AuditCrashChild {
  private AuditCrashChild() {}

  /** {@code args[0]}: the audit file. */
  public static void main(String[] args) {
    AuditPipeline p = AuditPipeline.start(AuditConfig.defaults(List.of(AuditSinks.jsonLines(Path.of(args[0]),
        JsonLinesOptions.builder().fsync(JsonLinesOptions.Fsync.EVERY_EVENT).build()))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (long i = 0; System.nanoTime() < deadline; i++) {
      p.record(AuditEvent.builder(AuditEvent.TOOL_DECISION).task("crash").tool("files.write")
          .decision("ALLOW").attributes(Map.of("i", i, "payload", "x".repeat((int) (i % 300)))));
    }
    p.close();
  }
}
