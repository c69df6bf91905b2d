package dev.agentguard.opentelemetry;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.atomic.AtomicInteger;

/** The tools the telemetry tests protect. */
public interface FileTools {
  @AgentTool(value = "files.read", action = "read", risk = Risk.LOW)
  String read(@Attr("resource.path") String path);

  @AgentTool(value = "files.fail", action = "read", risk = Risk.LOW)
  String fail(@Attr("resource.path") String path);

  @AgentTool(value = "mail.send", action = "send", risk = Risk.MEDIUM)
  String send(@Attr("resource.to") String to, @Redact @Attr("resource.token") String token);

  /** Counts the bodies that ran; {@code read} opens a span of its own inside the tool. */
  final class Impl implements FileTools {
    final AtomicInteger ran = new AtomicInteger();
    private final Tracer tracer;

    Impl(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public String read(String path) {
      ran.incrementAndGet();
      tracer.spanBuilder("inside the tool").startSpan().end();
      return "content of " + path;
    }

    @Override
    public String fail(String path) {
      ran.incrementAndGet();
      throw new IllegalStateException("failed on " + path);
    }

    @Override
    public String send(String to, String token) {
      ran.incrementAndGet();
      return "sent";
    }
  }
}
