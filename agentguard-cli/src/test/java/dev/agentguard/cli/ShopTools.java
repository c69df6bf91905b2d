package dev.agentguard.cli;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;

/** The tools of the test trails (and of the classes-directory tool catalog). */
public interface ShopTools {
  @AgentTool(value = "orders.read", action = "read", risk = Risk.LOW, sensitivity = Sensitivity.CONFIDENTIAL)
  String read(@Attr("resource.id") String orderId);

  @AgentTool(value = "files.read", action = "read", risk = Risk.LOW)
  String file(@Attr("resource.id") String id, @Attr("resource.sensitivity") String sensitivity);

  @AgentTool(value = "email.send", action = "send", risk = Risk.MEDIUM)
  String send(@Attr("destination.url") String relay, @Redact String text);

  @AgentTool(value = "notes.write", action = "write", risk = Risk.HIGH)
  String write(@Attr("resource.note") String note);

  @AgentTool(value = "vault.open", action = "read", risk = Risk.CRITICAL, sensitivity = Sensitivity.RESTRICTED)
  String open(@Attr("resource.secret") @Redact String secret);

  /** Trivial bodies. */
  final class Impl implements ShopTools {
    @Override
    public String read(String orderId) {
      return "order " + orderId;
    }

    @Override
    public String file(String id, String sensitivity) {
      return "file " + id;
    }

    @Override
    public String send(String relay, String text) {
      return "sent";
    }

    @Override
    public String write(String note) {
      return "written";
    }

    @Override
    public String open(String secret) {
      return "open";
    }
  }
}
