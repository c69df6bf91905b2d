package dev.agentguard.core.guard;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The tool interface most guard tests protect. */
public interface SupportTools {
  @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
  String read(@Attr("resource.id") String ticketId);

  @AgentTool(value = "customers.read", action = "read", risk = Risk.LOW, sensitivity = Sensitivity.CONFIDENTIAL)
  String customer(@Attr("resource.id") String customerId);

  @AgentTool(value = "http.post", action = "send", risk = Risk.HIGH)
  String post(@Attr("destination.url") String url, @Redact String body);

  @AgentTool(value = "email.send", action = "send", risk = Risk.MEDIUM)
  void email(@Attr("resource.to") String to, @Redact @Attr("resource.token") String token);

  @AgentTool(value = "tickets.tag", action = "write", risk = Risk.MEDIUM)
  int tag(@Attr("resource.tags") List<String> tags);

  /** Counts every call that reached the implementation. */
  class Impl implements SupportTools {
    final AtomicInteger invocations = new AtomicInteger();

    @Override
    public String read(String ticketId) {
      invocations.incrementAndGet();
      return "ticket " + ticketId;
    }

    @Override
    public String customer(String customerId) {
      invocations.incrementAndGet();
      return "customer " + customerId;
    }

    @Override
    public String post(String url, String body) {
      invocations.incrementAndGet();
      return "posted";
    }

    @Override
    public void email(String to, String token) {
      invocations.incrementAndGet();
    }

    @Override
    public int tag(List<String> tags) {
      invocations.incrementAndGet();
      return tags.size();
    }
  }
}
