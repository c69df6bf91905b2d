package dev.agentguard.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Every name this module exports: span, metric and log-record attribute keys, metric names, the
 * span name prefix and the instrumentation scope. The one place they are written, because the
 * conventions they follow are not stable yet:
 * <ul>
 *   <li>{@code gen_ai.*} tool-execution keys follow the OpenTelemetry GenAI semantic conventions
 *       ({@code execute_tool} span), stability Development;
 *   <li>{@code gen_ai.security.verdict.*} follow the guardrail conventions proposed in
 *       open-telemetry/semantic-conventions-genai pull request 427 (open, not merged when this was
 *       written): they may be renamed;
 *   <li>{@code agentguard.*} are AgentGuard's own and change only with a CHANGELOG entry.
 * </ul>
 * A rename happens here and in {@code docs/export.md}, nowhere else.
 *
 * @since 0.2.0
 */
public final class TelemetryKeys {
  private TelemetryKeys() {}

  /** Instrumentation scope name of the tracer, meter and logger. */
  public static final String SCOPE = "dev.agentguard";

  /** {@code gen_ai.operation.name}: always {@link #EXECUTE_TOOL} on a call span. */
  public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  /** The GenAI operation name of a tool call, and the span name's first word. */
  public static final String EXECUTE_TOOL = "execute_tool";
  /**
   * {@code gen_ai.tool.name}: the requested tool (on spans as requested; on metrics bounded, see
   * {@link #OTHER_TOOL}).
   */
  public static final AttributeKey<String> GEN_AI_TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  /** {@code error.type}: the deny code of a denied call, or the exception class of a failed tool. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  /** Name of the span event that records a tool exception (its type only, never message or stack). */
  public static final String EXCEPTION_EVENT = "exception";
  /** {@code exception.type} on the {@link #EXCEPTION_EVENT}: the exception's class name. */
  public static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");

  /** Proposed {@code gen_ai.security.verdict.type}: {@code allow} or {@code deny}. */
  public static final AttributeKey<String> VERDICT_TYPE = AttributeKey.stringKey("gen_ai.security.verdict.type");
  /** Proposed {@code gen_ai.security.verdict.code}: the deny code, on denied calls. */
  public static final AttributeKey<String> VERDICT_CODE = AttributeKey.stringKey("gen_ai.security.verdict.code");

  /** {@code agentguard.decision}: {@code ALLOW} or {@code DENY}. */
  public static final AttributeKey<String> DECISION = AttributeKey.stringKey("agentguard.decision");
  /** {@code agentguard.deny_code}: the {@code DenyCode} name of a denied call. */
  public static final AttributeKey<String> DENY_CODE = AttributeKey.stringKey("agentguard.deny_code");
  /** {@code agentguard.rules}: ids of the rules that decided. */
  public static final AttributeKey<List<String>> RULES = AttributeKey.stringArrayKey("agentguard.rules");
  /** {@code agentguard.policy.version}: version of the policy set that decided. */
  public static final AttributeKey<String> POLICY_VERSION = AttributeKey.stringKey("agentguard.policy.version");
  /** {@code agentguard.task.id}: the task the call ran under. */
  public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("agentguard.task.id");
  /** {@code agentguard.agent.id}: the agent's (SPIFFE) id. */
  public static final AttributeKey<String> AGENT_ID = AttributeKey.stringKey("agentguard.agent.id");
  /** {@code agentguard.tool.action}: the tool's declared action. */
  public static final AttributeKey<String> TOOL_ACTION = AttributeKey.stringKey("agentguard.tool.action");
  /** {@code agentguard.tool.risk}: the tool's risk wire name. */
  public static final AttributeKey<String> TOOL_RISK = AttributeKey.stringKey("agentguard.tool.risk");
  /** {@code agentguard.outcome}: {@code success} or {@code failure} of an allowed call's body. */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("agentguard.outcome");
  /** {@code agentguard.instance.id}: the guard instance, on the audit health metrics. */
  public static final AttributeKey<String> INSTANCE_ID = AttributeKey.stringKey("agentguard.instance.id");
  /** {@code agentguard.audit.seq}: the audit record's sequence number, on its log record. */
  public static final AttributeKey<Long> AUDIT_SEQ = AttributeKey.longKey("agentguard.audit.seq");
  /** {@code agentguard.audit.id}: the audit record's id, on its log record. */
  public static final AttributeKey<String> AUDIT_ID = AttributeKey.stringKey("agentguard.audit.id");
  /** {@code agentguard.audit.hash}: the audit record's chain hash, on its log record. */
  public static final AttributeKey<String> AUDIT_HASH = AttributeKey.stringKey("agentguard.audit.hash");

  /** The metric value of {@link #GEN_AI_TOOL_NAME} for a tool name that is not known (bounded cardinality). */
  public static final String OTHER_TOOL = "_other";

  /** Counter of decided calls, by tool, decision and deny code. */
  public static final String METRIC_DECISIONS = "agentguard.decisions";
  /** Histogram (seconds) of the guard's time from a call's arrival to its decision being admitted. */
  public static final String METRIC_OVERHEAD = "agentguard.guard.overhead";
  /** Gauge of audit records queued and not yet written. */
  public static final String METRIC_AUDIT_QUEUE = "agentguard.audit.queue.depth";
  /** Counter of audit records written to every sink. */
  public static final String METRIC_AUDIT_WRITTEN = "agentguard.audit.written";
  /** Counter of audit records lost to {@code audit.gap} (overflow {@code GAP}). */
  public static final String METRIC_AUDIT_GAPS = "agentguard.audit.gaps";
  /** Counter of audit records the pipeline refused (closed, queue full, or a write-ahead record not taken in time). */
  public static final String METRIC_AUDIT_REFUSED = "agentguard.audit.refused";
  /** Gauge: 1 while the audit trail is healthy, else 0. */
  public static final String METRIC_AUDIT_HEALTHY = "agentguard.audit.healthy";
}
