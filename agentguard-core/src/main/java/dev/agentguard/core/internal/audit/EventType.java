package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * The audit event types, so that code deciding by type can switch over them exhaustively (a new
 * type then fails to compile wherever it is not handled). The wire names are the
 * {@link AuditEvent} constants.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public enum EventType {
  /** {@link AuditEvent#TASK_STARTED}. */
  TASK_STARTED(AuditEvent.TASK_STARTED),
  /** {@link AuditEvent#TOOL_DECISION}. */
  TOOL_DECISION(AuditEvent.TOOL_DECISION),
  /** {@link AuditEvent#TOOL_COMPLETED}. */
  TOOL_COMPLETED(AuditEvent.TOOL_COMPLETED),
  /** {@link AuditEvent#TASK_COMPLETED}. */
  TASK_COMPLETED(AuditEvent.TASK_COMPLETED),
  /** {@link AuditEvent#CREDENTIAL_REVOKED}. */
  CREDENTIAL_REVOKED(AuditEvent.CREDENTIAL_REVOKED),
  /** {@link AuditEvent#POLICY_LOADED}. */
  POLICY_LOADED(AuditEvent.POLICY_LOADED),
  /** {@link AuditEvent#POLICY_REJECTED}. */
  POLICY_REJECTED(AuditEvent.POLICY_REJECTED),
  /** {@link AuditEvent#SECRET_ISSUED}. */
  SECRET_ISSUED(AuditEvent.SECRET_ISSUED),
  /** {@link AuditEvent#SECRET_REVOKED}. */
  SECRET_REVOKED(AuditEvent.SECRET_REVOKED),
  /** {@link AuditEvent#SECRET_REVOKE_FAILED}. */
  SECRET_REVOKE_FAILED(AuditEvent.SECRET_REVOKE_FAILED),
  /** {@link AuditEvent#APPROVAL_REQUESTED}. */
  APPROVAL_REQUESTED(AuditEvent.APPROVAL_REQUESTED),
  /** {@link AuditEvent#APPROVAL_GRANTED}. */
  APPROVAL_GRANTED(AuditEvent.APPROVAL_GRANTED),
  /** {@link AuditEvent#APPROVAL_DENIED}. */
  APPROVAL_DENIED(AuditEvent.APPROVAL_DENIED),
  /** {@link AuditEvent#APPROVAL_EXPIRED}. */
  APPROVAL_EXPIRED(AuditEvent.APPROVAL_EXPIRED),
  /** {@link AuditEvent#AUDIT_GAP}: written by the pipeline. */
  AUDIT_GAP(AuditEvent.AUDIT_GAP),
  /** {@link AuditEvent#AUDIT_CHECKPOINT}: written by the pipeline, signed. */
  AUDIT_CHECKPOINT(AuditEvent.AUDIT_CHECKPOINT),
  /** {@link AuditEvent#AUDIT_OPENED}: written by the pipeline, carries the run's public key. */
  AUDIT_OPENED(AuditEvent.AUDIT_OPENED),
  /** {@link AuditEvent#AUDIT_CLOSED}: written by the pipeline, signed. */
  AUDIT_CLOSED(AuditEvent.AUDIT_CLOSED);

  private static final Map<String, EventType> BY_WIRE_NAME = new HashMap<>();

  static {
    for (EventType t : values()) {
      BY_WIRE_NAME.put(t.wireName, t);
    }
  }

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The type's wire name, e.g. {@code "tool.decision"}. */
  public String wireName() {
    return wireName;
  }

  /** The type of a wire name, or {@code null} when it names none. */
  public static EventType of(String wireName) {
    return wireName == null ? null : BY_WIRE_NAME.get(wireName);
  }

  /** Whether only the pipeline itself writes records of this type (callers' records are refused). */
  public boolean pipelineOwn() {
    return switch (this) {
      case AUDIT_GAP, AUDIT_CHECKPOINT, AUDIT_OPENED, AUDIT_CLOSED -> true;
      case TASK_STARTED, TOOL_DECISION, TOOL_COMPLETED, TASK_COMPLETED, CREDENTIAL_REVOKED,
           POLICY_LOADED, POLICY_REJECTED,
           SECRET_ISSUED, SECRET_REVOKED, SECRET_REVOKE_FAILED, APPROVAL_REQUESTED, APPROVAL_GRANTED,
           APPROVAL_DENIED, APPROVAL_EXPIRED -> false;
    };
  }

  /** Whether records of this type may carry a {@code signature}. */
  public boolean signed() {
    return switch (this) {
      case AUDIT_CHECKPOINT, AUDIT_CLOSED -> true;
      case TASK_STARTED, TOOL_DECISION, TOOL_COMPLETED, TASK_COMPLETED, CREDENTIAL_REVOKED,
           POLICY_LOADED, POLICY_REJECTED, AUDIT_GAP, AUDIT_OPENED,
           SECRET_ISSUED, SECRET_REVOKED, SECRET_REVOKE_FAILED, APPROVAL_REQUESTED, APPROVAL_GRANTED,
           APPROVAL_DENIED, APPROVAL_EXPIRED -> false;
    };
  }

  /** Whether records of this type count towards the next checkpoint (the pipeline's own do not). */
  public boolean countsTowardsCheckpoint() {
    return switch (this) {
      case TASK_STARTED, TOOL_DECISION, TOOL_COMPLETED, TASK_COMPLETED, CREDENTIAL_REVOKED,
           POLICY_LOADED, POLICY_REJECTED, AUDIT_GAP,
           SECRET_ISSUED, SECRET_REVOKED, SECRET_REVOKE_FAILED, APPROVAL_REQUESTED, APPROVAL_GRANTED,
           APPROVAL_DENIED, APPROVAL_EXPIRED -> true;
      case AUDIT_CHECKPOINT, AUDIT_OPENED, AUDIT_CLOSED -> false;
    };
  }
}
