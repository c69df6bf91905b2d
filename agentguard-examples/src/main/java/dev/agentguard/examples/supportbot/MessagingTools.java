package dev.agentguard.examples.supportbot;

import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.Redact;
import dev.agentguard.Risk;

/** Outbound tools of the support bot: webhooks and e-mail. */
public interface MessagingTools {
  /** Posts to a webhook; the body is redacted from the audit trail. */
  @AgentTool(value = "http.post", action = "send", risk = Risk.HIGH)
  String post(@Attr("destination.url") String url, @Redact String body);

  /** Sends an e-mail through a mail relay. */
  @AgentTool(value = "email.send", action = "send", risk = Risk.MEDIUM)
  String email(@Attr("destination.url") String relay, @Attr("resource.to") String to, @Redact String text);
}
