package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each event at INFO on the logger {@value #LOGGER} with one key-value pair per non-empty field
 * (attributes as {@code attributes.<path>}); the message is the event type. Adds nothing that is not
 * in the event.
 *
 * @since 0.1.0
 */
public final class Slf4jSink implements AuditSink {
  /** The logger name. */
  public static final String LOGGER = "agentguard.audit";
  private final Logger log = LoggerFactory.getLogger(LOGGER);
  private volatile boolean closed;

  /** Creates the sink. */
  public Slf4jSink() {}

  /**
   * Whether SLF4J resolves to its no-operation logger (no SLF4J provider on the class path): this
   * sink then discards every event.
   *
   * @since 0.2.0
   */
  public static boolean discardsEverything() {
    return LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory;
  }

  @Override
  public void write(AuditEvent e) {
    if (closed) {
      throw new IllegalStateException("slf4j audit sink is closed");
    }
    if (!log.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder b = log.atInfo();
    b.addKeyValue("v", e.v()).addKeyValue("seq", e.seq()).addKeyValue("id", e.id()).addKeyValue("ts", e.ts())
        .addKeyValue("type", e.type());
    kv(b, "agent", e.agent());
    kv(b, "onBehalfOf", e.onBehalfOf());
    kv(b, "task", e.task());
    kv(b, "credential", e.credential());
    kv(b, "tool", e.tool());
    kv(b, "action", e.action());
    kv(b, "risk", e.risk());
    for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
      b.addKeyValue("attributes." + a.getKey(), a.getValue());
    }
    kv(b, "decision", e.decision());
    kv(b, "code", e.code());
    list(b, "reasons", e.reasons());
    list(b, "policies", e.policies());
    kv(b, "policyVersion", e.policyVersion());
    kv(b, "outcome", e.outcome());
    kv(b, "error", e.error());
    kv(b, "durationMicros", e.durationMicros());
    kv(b, "count", e.count());
    kv(b, "signature", e.signature());
    kv(b, "keyId", e.keyId());
    kv(b, "jwks", e.jwks());
    kv(b, "traceId", e.traceId());
    kv(b, "spanId", e.spanId());
    kv(b, "shadowDecision", e.shadowDecision());
    kv(b, "shadowCode", e.shadowCode());
    list(b, "shadowPolicies", e.shadowPolicies());
    kv(b, "shadowVersion", e.shadowVersion());
    list(b, "shadowRules", e.shadowRules());
    kv(b, "parent", e.parent());
    kv(b, "prev", e.prev());
    kv(b, "hash", e.hash());
    b.log(e.type());
  }

  private static void kv(LoggingEventBuilder b, String k, Object v) {
    if (v != null) {
      b.addKeyValue(k, v);
    }
  }

  private static void list(LoggingEventBuilder b, String k, List<String> v) {
    if (v != null && !v.isEmpty()) {
      b.addKeyValue(k, v);
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
