package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.Base64Url;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own signed records: the opening record of each run (with the public key), a
 * checkpoint after every {@code checkpointEveryEvents} counted events or when
 * {@code checkpointInterval} of clock time passed with events written since, and the close record.
 * A signer that fails is logged once (and once when it recovers); its checkpoints are skipped and
 * a close record is then written unsigned, which {@code AuditLog.verify} reports as not a clean end.
 *
 * <p>Not thread-safe: the writer thread owns it.
 *
 * @since 0.2.0
 */
final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  private final AuditConfig config;
  private final Consumer<String> errors;
  private long eventsSince;
  private long lastMillis;
  private boolean signerFailing;

  /**
   * @param errors told the error text ({@code "checkpoint signer: <type>"}) of each signer failure
   */
  Checkpoints(AuditConfig config, Consumer<String> errors) {
    this.config = config;
    this.errors = errors;
    this.lastMillis = config.clock().millis();
  }

  /**
   * The opening record: with the guard instance id when configured, and the signer's key id and
   * public JWK set when there is a signer.
   */
  AuditEvent.Builder opening() {
    AuditEvent.Builder b = AuditEvent.builder(AuditEvent.AUDIT_OPENED).instance(config.instance());
    CheckpointSigner signer = config.signer();
    if (signer != null) {
      try {
        b.keyId(signer.keyId()).jwks(signer.publicJwks());
      } catch (Throwable t) {
        Fatal.rethrowIfFatal(t);
        failed(t);
        b.keyId(null).jwks(null);
      }
    }
    return b;
  }

  /** Counts a sealed event towards the next checkpoint. */
  void counted(EventType type) {
    if (type.countsTowardsCheckpoint()) {
      eventsSince++;
    }
  }

  /** Whether a checkpoint is due by count. */
  boolean dueByCount() {
    return config.signer() != null && config.checkpointEveryEvents() > 0
        && eventsSince >= config.checkpointEveryEvents();
  }

  /** Whether a checkpoint is due by clock time (a clock that stepped back restarts the interval). */
  boolean dueByInterval() {
    if (config.signer() == null || config.checkpointInterval().isZero() || eventsSince == 0) {
      return false;
    }
    long now = config.clock().millis();
    if (now < lastMillis) {
      lastMillis = now;
      return false;
    }
    return now - lastMillis >= config.checkpointInterval().toMillis();
  }

  /** A checkpoint over {@code head}, or {@code null} when there is no signer or it failed. */
  AuditEvent.Builder checkpoint(ChainHead head) {
    Signed signed = sign(CheckpointSigner.message(head.seq(), head.hash()));
    if (signed == null) {
      return null;
    }
    eventsSince = 0;
    lastMillis = config.clock().millis();
    return AuditEvent.builder(AuditEvent.AUDIT_CHECKPOINT).signature(signed.signature()).keyId(signed.keyId());
  }

  /** The close record over {@code head}: signed, or unsigned when there is no signer or it failed. */
  AuditEvent.Builder closing(ChainHead head) {
    AuditEvent.Builder b = AuditEvent.builder(AuditEvent.AUDIT_CLOSED);
    Signed signed = sign(CheckpointSigner.closeMessage(head.seq(), head.hash()));
    if (signed != null) {
      b.signature(signed.signature()).keyId(signed.keyId());
    }
    return b;
  }

  /** A signature and the id of the key that made it. */
  private record Signed(String signature, String keyId) {}

  private Signed sign(byte[] message) {
    CheckpointSigner signer = config.signer();
    if (signer == null) {
      return null;
    }
    try {
      Signed signed = new Signed(Base64Url.encode(signer.sign(message)), signer.keyId());
      if (signerFailing) {
        signerFailing = false;
        LOG.info("audit checkpoint signer recovered");
      }
      return signed;
    } catch (Throwable t) {
      Fatal.rethrowIfFatal(t);
      failed(t);
      return null;
    }
  }

  private void failed(Throwable t) {
    errors.accept("checkpoint signer: " + t.getClass().getName());
    if (!signerFailing) {
      signerFailing = true;
      LOG.error("audit checkpoint signer failed ({}); checkpoints are skipped until it recovers",
          t.getClass().getName());
    }
  }
}
