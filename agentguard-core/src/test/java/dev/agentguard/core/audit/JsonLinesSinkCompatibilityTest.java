package dev.agentguard.core.audit;

import dev.agentguard.test.AuditSinkCompatibilityKit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesSinkCompatibilityTest extends AuditSinkCompatibilityKit {
  @TempDir
  Path dir;
  private final Map<AuditSink, Path> files = new IdentityHashMap<>();

  @Override
  protected AuditSink newSink() {
    Path file = dir.resolve("audit-" + files.size() + ".jsonl");
    AuditSink sink = AuditSinks.jsonLines(file);
    files.put(sink, file);
    return sink;
  }

  @Override
  protected List<AuditEvent> readBack(AuditSink sink) {
    return AuditLog.read(files.get(sink));
  }
}
