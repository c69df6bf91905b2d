package dev.agentguard;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record of the audit trail. Every field has an accessor named as its JSON field; fields that do
 * not apply to an event's type are {@code null} (empty for lists and maps).
 *
 * <p>Callers build events with {@link #builder(String)}, which sets content only. The fields the
 * audit pipeline owns &mdash; {@code v}, {@code seq}, {@code id}, {@code ts}, {@code parent},
 * {@code prev} and {@code hash} &mdash; have no builder setter: the pipeline assigns them when it
 * seals an event, through {@link #recorded}, the one path that makes an event with them set (used by
 * the pipeline, by trail readers such as {@code AuditLog.read}, and by tests of sinks). A pipeline
 * never takes an event with these fields from a caller, so nothing a caller sets can enter a chain.
 *
 * <p>Immutable and thread-safe. Events the pipeline seals are deeply immutable: attribute values
 * are {@link String}, {@link Boolean}, {@link Long}, {@link Double} or unmodifiable lists of these,
 * and the lists are unmodifiable, so a sink cannot change what another sink gets.
 *
 * @since 0.1.0
 *
 * <p>Over 400 lines because the wire format has 35 fields and this value type carries one accessor,
 * one builder setter and one equality term per field; there is no logic to split out.
 */
public final class AuditEvent {
  /**
   * Current format version: 2. A version-2 record may leave out members a reader restores
   * ({@link #impliedMembers()}); a version-1 record states every member. Readers read both.
   */
  public static final int FORMAT_VERSION = 2;
  /**
   * The member {@code reasons}, as {@link #impliedMembers()} names it.
   *
   * @since 0.2.0
   */
  public static final String REASONS = "reasons";
  /**
   * The member {@code policyVersion}, as {@link #impliedMembers()} names it.
   *
   * @since 0.2.0
   */
  public static final String POLICY_VERSION = "policyVersion";
  /**
   * The member {@code decision}, as {@link #impliedMembers()} names it.
   *
   * @since 0.2.0
   */
  public static final String DECISION = "decision";
  private static final int IMPLIED_REASONS = 1;
  private static final int IMPLIED_POLICY_VERSION = 2;
  private static final int IMPLIED_DECISION = 4;
  private static final List<List<String>> IMPLIED_NAMES = impliedNames();

  /** A task started and received its credential. */
  public static final String TASK_STARTED = "task.started";
  /** A tool call was decided (allow or deny). */
  public static final String TOOL_DECISION = "tool.decision";
  /** An allowed tool call finished (success or failure). */
  public static final String TOOL_COMPLETED = "tool.completed";
  /** A task ended; always the task's last event. */
  public static final String TASK_COMPLETED = "task.completed";
  /** A credential was revoked (task close, or revocation by credential, task or agent). */
  public static final String CREDENTIAL_REVOKED = "credential.revoked";
  /** A policy set was loaded and is now live. */
  public static final String POLICY_LOADED = "policy.loaded";
  /** A policy document was rejected; the previous set stays live. */
  public static final String POLICY_REJECTED = "policy.rejected";
  /** Events that could not be written; {@link #count()} says how many. */
  public static final String AUDIT_GAP = "audit.gap";
  /** A signed checkpoint over the chain head. */
  public static final String AUDIT_CHECKPOINT = "audit.checkpoint";
  /**
   * The first record a pipeline writes each time it starts: carries the public key
   * ({@link #keyId()}, {@link #jwks()}) that signs this run's checkpoints and close record.
   *
   * @since 0.2.0
   */
  public static final String AUDIT_OPENED = "audit.opened";
  /**
   * The last record of a clean close, signed like a checkpoint: a trail that does not end with it
   * was truncated or its process stopped without closing the guard.
   *
   * @since 0.2.0
   */
  public static final String AUDIT_CLOSED = "audit.closed";
  /**
   * A downstream secret lease was issued for a task: names the broker, the lease id, the server-side
   * principal and the expiry, never the secret. {@code tool} is the call that asked first;
   * attributes {@code secret}, {@code secret.broker}, {@code lease.id}, {@code lease.principal},
   * {@code lease.expiresAt}.
   *
   * @since 0.2.0
   */
  public static final String SECRET_ISSUED = "secret.issued";
  /**
   * A downstream secret lease was revoked (task closed, revoked or expired); the same attributes as
   * {@link #SECRET_ISSUED}, the cause in {@code reasons}.
   *
   * @since 0.2.0
   */
  public static final String SECRET_REVOKED = "secret.revoked";
  /**
   * Revoking a downstream secret lease failed; it is retried with backoff, and the lease still
   * expires on the server side. Recorded once per lease; {@code error} is the exception type.
   *
   * @since 0.2.0
   */
  public static final String SECRET_REVOKE_FAILED = "secret.revoke_failed";
  /**
   * A call needs a human approval ({@code approval: required}) and the approval handler was asked:
   * the call's attributes (redacted values as digests) plus {@code approval.id} and
   * {@code approval.deadline}, the rules that demand approval in {@code policies}. Its outcome
   * ({@code approval.granted}, {@code .denied} or {@code .expired}) follows with it as
   * {@code parent}, and the call's {@code tool.decision} follows with the outcome as {@code parent}.
   *
   * @since 0.2.0
   */
  public static final String APPROVAL_REQUESTED = "approval.requested";
  /**
   * The approval handler approved the call: {@code approval.id}, {@code approval.approver} (bounded,
   * invisible characters escaped) and {@code approval.calls} (how many calls it covers).
   *
   * @since 0.2.0
   */
  public static final String APPROVAL_GRANTED = "approval.granted";
  /**
   * The approval handler refused the call: {@code approval.id} and {@code approval.approver}; the
   * call is denied {@code APPROVAL_DENIED}.
   *
   * @since 0.2.0
   */
  public static final String APPROVAL_DENIED = "approval.denied";
  /**
   * No approval counts: none arrived by the deadline, it arrived after it, the handler failed, or
   * the task was revoked or closed while waiting ({@code reasons} says which); the call was denied.
   *
   * @since 0.2.0
   */
  public static final String APPROVAL_EXPIRED = "approval.expired";
  private final int v;
  private final long seq;
  private final String id;
  private final String ts;
  private final String type;
  private final String agent;
  private final String onBehalfOf;
  private final String task;
  private final String credential;
  private final String tool;
  private final String action;
  private final String risk;
  private final Map<String, Object> attributes;
  private final String decision;
  private final String code;
  private final List<String> reasons;
  private final List<String> policies;
  private final String policyVersion;
  private final String outcome;
  private final String error;
  private final Long durationMicros;
  private final Long count;
  private final String signature;
  private final String keyId;
  private final String jwks;
  private final String traceId;
  private final String spanId;
  // shadow evaluation (docs/audit.md "Shadow fields"; rollout)
  private final String shadowDecision;
  private final String shadowCode;
  private final List<String> shadowPolicies;
  private final String shadowVersion;
  private final List<String> shadowRules;
  private final String instance;
  private final String parent;
  private final String prev;
  private final String hash;
  private final int implied;

  private AuditEvent(Builder b, int v, long seq, String id, String ts, String parent, String prev, String hash,
                     int implied) {
    this.v = v;
    this.implied = implied;
    this.seq = seq;
    this.id = id;
    this.ts = ts;
    this.type = b.type;
    this.agent = b.agent;
    this.onBehalfOf = b.onBehalfOf;
    this.task = b.task;
    this.credential = b.credential;
    this.tool = b.tool;
    this.action = b.action;
    this.risk = b.risk;
    this.attributes = b.attributes;
    this.decision = b.decision;
    this.code = b.code;
    this.reasons = b.reasons;
    this.policies = b.policies;
    this.policyVersion = b.policyVersion;
    this.outcome = b.outcome;
    this.error = b.error;
    this.durationMicros = b.durationMicros;
    this.count = b.count;
    this.signature = b.signature;
    this.keyId = b.keyId;
    this.jwks = b.jwks;
    this.traceId = b.traceId;
    this.spanId = b.spanId;
    this.shadowDecision = b.shadowDecision;
    this.shadowCode = b.shadowCode;
    this.shadowPolicies = b.shadowPolicies;
    this.shadowVersion = b.shadowVersion;
    this.shadowRules = b.shadowRules;
    this.instance = b.instance;
    this.parent = parent;
    this.prev = prev;
    this.hash = hash;
  }

  /** Starts an event of the given type (one of the constants of this class). */
  public static Builder builder(String type) {
    return new Builder().type(type);
  }

  /**
   * An event as a trail holds it: the content of {@code content} and the fields the audit pipeline
   * assigns when it seals an event ({@code v} is always {@link #FORMAT_VERSION}). The pipeline uses
   * it to seal, trail readers to rebuild parsed records, sink tests to make recorded-looking events.
   * Making an event this way puts it into no trail: a pipeline takes builders, never events, and
   * assigns these fields itself.
   *
   * @param content the content; not used afterwards by the event (the builder may be reused)
   * @param seq the sequence number
   * @param id the event id
   * @param ts the ISO-8601 UTC time
   * @param parent the id of the previous event of the same task, or {@code null}
   * @param prev the hash of the previous event in the chain
   * @param hash this event's hash, or {@code null} for an event not yet hashed
   * @return the event
   * @throws NullPointerException if {@code content} is null
   * @since 0.2.0
   */
  public static AuditEvent recorded(Builder content, long seq, String id, String ts, String parent,
                                    String prev, String hash) {
    return new AuditEvent(Objects.requireNonNull(content, "content"), FORMAT_VERSION, seq, id, ts, parent, prev,
        hash, 0);
  }

  /**
   * Like {@link #recorded(Builder, long, String, String, String, String, String)} for a record of
   * format version {@code v} (1 or 2) of which the members {@code impliedMembers} were not written
   * (the writer left them out, a reader restored them from the chain): the event holds their values
   * and its canonical bytes leave them out, so it hashes as written.
   *
   * @param impliedMembers a subset of {@link #DECISION}, {@link #REASONS} and {@link #POLICY_VERSION}; empty for a record
   *     that states every member
   * @return the event
   * @throws IllegalArgumentException if {@code v} is not 1 or 2, a member cannot be implied, or a
   *     version-1 record is given implied members
   * @throws NullPointerException if {@code content} or {@code impliedMembers} is null
   * @since 0.2.0
   */
  public static AuditEvent recorded(Builder content, int v, long seq, String id, String ts, String parent,
                                    String prev, String hash, java.util.Collection<String> impliedMembers) {
    Objects.requireNonNull(content, "content");
    if (v != 1 && v != FORMAT_VERSION) {
      throw new IllegalArgumentException("unsupported format version " + v);
    }
    int bits = 0;
    for (String m : impliedMembers) {
      if (REASONS.equals(m)) {
        bits |= IMPLIED_REASONS;
      } else if (POLICY_VERSION.equals(m)) {
        bits |= IMPLIED_POLICY_VERSION;
      } else if (DECISION.equals(m)) {
        bits |= IMPLIED_DECISION;
      } else {
        throw new IllegalArgumentException("member " + m + " is never implied; only decision, reasons and "
            + "policyVersion are");
      }
    }
    if (bits != 0 && v < 2) {
      throw new IllegalArgumentException("a version-1 record states every member");
    }
    return new AuditEvent(content, v, seq, id, ts, parent, prev, hash, bits);
  }

  /**
   * The members of this record that its line does not contain because a reader restores them: the
   * writer leaves out {@code reasons} when they are what the policy engine states for a plain allow
   * of the record's one policy, and {@code policyVersion} when it is the chain's current policy
   * version (see {@code docs/audit.md}). This event's accessors return the restored values; its
   * canonical bytes leave these members out. Empty for events that state every member.
   *
   * @since 0.2.0
   */
  public List<String> impliedMembers() {
    return IMPLIED_NAMES.get(implied);
  }

  private static List<List<String>> impliedNames() {
    java.util.ArrayList<List<String>> out = new java.util.ArrayList<>();
    for (int bits = 0; bits < 8; bits++) {
      java.util.ArrayList<String> n = new java.util.ArrayList<>(3);
      if ((bits & IMPLIED_DECISION) != 0) {
        n.add(DECISION);
      }
      if ((bits & IMPLIED_REASONS) != 0) {
        n.add(REASONS);
      }
      if ((bits & IMPLIED_POLICY_VERSION) != 0) {
        n.add(POLICY_VERSION);
      }
      out.add(List.copyOf(n));
    }
    return List.copyOf(out);
  }

  /**
   * Whether {@code member} ({@link #DECISION}, {@link #REASONS} or {@link #POLICY_VERSION}) is
   * implied: held by this event but not written in its line.
   *
   * @since 0.2.0
   */
  public boolean implied(String member) {
    int bit = REASONS.equals(member) ? IMPLIED_REASONS : POLICY_VERSION.equals(member) ? IMPLIED_POLICY_VERSION
        : DECISION.equals(member) ? IMPLIED_DECISION : 0;
    return (implied & bit) != 0;
  }

  /**
   * A builder holding this event's content: every field except those the pipeline assigns
   * ({@code v, seq, id, ts, parent, prev, hash}).
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.type = type;
    b.agent = agent;
    b.onBehalfOf = onBehalfOf;
    b.task = task;
    b.credential = credential;
    b.tool = tool;
    b.action = action;
    b.risk = risk;
    b.attributes = attributes;
    b.decision = decision;
    b.code = code;
    b.reasons = reasons;
    b.policies = policies;
    b.policyVersion = policyVersion;
    b.outcome = outcome;
    b.error = error;
    b.durationMicros = durationMicros;
    b.count = count;
    b.signature = signature;
    b.keyId = keyId;
    b.jwks = jwks;
    b.traceId = traceId;
    b.spanId = spanId;
    b.shadowDecision = shadowDecision;
    b.shadowCode = shadowCode;
    b.shadowPolicies = shadowPolicies;
    b.shadowVersion = shadowVersion;
    b.shadowRules = shadowRules;
    b.instance = instance;
    return b;
  }

  /** Format version of the record: 2 for what this version writes, 1 for records that state every member. */
  public int v() {
    return v;
  }

  /** Gap-free sequence number, starting at 1 per chain. */
  public long seq() {
    return seq;
  }

  /** Unique event id. */
  public String id() {
    return id;
  }

  /** ISO-8601 UTC time of the event. */
  public String ts() {
    return ts;
  }

  /** The event type's wire name, e.g. {@code "tool.decision"}. */
  public String type() {
    return type;
  }

  /** The agent id, or {@code null}. */
  public String agent() {
    return agent;
  }

  /** The principal the agent acted for, or {@code null}. */
  public String onBehalfOf() {
    return onBehalfOf;
  }

  /** The task id, or {@code null}. */
  public String task() {
    return task;
  }

  /** The credential id ({@code jti}, never the token), or {@code null}. */
  public String credential() {
    return credential;
  }

  /** The tool name, or {@code null}. */
  public String tool() {
    return tool;
  }

  /** The tool's action, or {@code null}. */
  public String action() {
    return action;
  }

  /** The tool's risk wire name, or {@code null}. */
  public String risk() {
    return risk;
  }

  /** Request attributes keyed by path; redacted values replaced by {@code sha256:<hex>} digests. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** {@code "ALLOW"} or {@code "DENY"}, or {@code null} for events that record no decision. */
  public String decision() {
    return decision;
  }

  /** The deny code's name, or {@code null}. */
  public String code() {
    return code;
  }

  /** The decision's reasons (empty when none). */
  public List<String> reasons() {
    return reasons;
  }

  /** Ids of the rules that decided (empty when none). */
  public List<String> policies() {
    return policies;
  }

  /** Version of the policy set used, or {@code null}. */
  public String policyVersion() {
    return policyVersion;
  }

  /** {@code "success"} or {@code "failure"} for {@code tool.completed}, else {@code null}. */
  public String outcome() {
    return outcome;
  }

  /** The failure's exception type and message, or the load error, or {@code null}. */
  public String error() {
    return error;
  }

  /** The tool body's duration in microseconds (monotonic clock), or {@code null}. */
  public Long durationMicros() {
    return durationMicros;
  }

  /** For {@code audit.gap}: how many events were not written; else {@code null}. */
  public Long count() {
    return count;
  }

  /** For {@code audit.checkpoint} and {@code audit.closed}: base64url Ed25519 signature; else {@code null}. */
  public String signature() {
    return signature;
  }

  /**
   * For {@code audit.checkpoint} and {@code audit.closed}: RFC 7638 thumbprint of the signing key;
   * for {@code audit.opened}: that of the key this run signs with; else {@code null}.
   */
  public String keyId() {
    return keyId;
  }

  /**
   * For {@code audit.opened}: the JWK set (one Ed25519 public key) that verifies this run's
   * checkpoints and close record, else {@code null}. A reviewer must not trust it because it is in
   * the trail: compare it with a key set published from somewhere trusted.
   *
   * @since 0.2.0
   */
  public String jwks() {
    return jwks;
  }

  /**
   * For {@code tool.decision} and {@code tool.completed}: the W3C trace id (32 lower-case hex
   * digits) of the span that was current for the call, when a
   * call observer ({@code dev.agentguard.core.spi.CallObserver}) supplied one; else {@code null}.
   *
   * @since 0.2.0
   */
  public String traceId() {
    return traceId;
  }

  /**
   * With {@link #traceId()}: the W3C span id (16 lower-case hex digits) of the call's span; else
   * {@code null}.
   *
   * @since 0.2.0
   */
  public String spanId() {
    return spanId;
  }

  /**
   * For {@code tool.decision}: the shadow policy set's decision ({@code "ALLOW"} or {@code "DENY"})
   * when it differs from the live one (in allow/deny or deny code), else {@code null}.
   *
   * @since 0.2.0
   */
  public String shadowDecision() {
    return shadowDecision;
  }

  /**
   * The shadow set's deny code when {@link #shadowDecision()} is {@code "DENY"}, else {@code null}.
   *
   * @since 0.2.0
   */
  public String shadowCode() {
    return shadowCode;
  }

  /**
   * Ids of the shadow set's rules that decided, when {@link #shadowDecision()} is set (empty when none).
   *
   * @since 0.2.0
   */
  public List<String> shadowPolicies() {
    return shadowPolicies;
  }

  /**
   * The shadow set's version, when {@link #shadowDecision()} is set or the shadow set could not
   * decide (then {@code shadowRules} says why), else {@code null}.
   *
   * @since 0.2.0
   */
  public String shadowVersion() {
    return shadowVersion;
  }

  /**
   * For {@code tool.decision}: the result of each {@code mode: shadow} rule of the live set whose
   * tools and agents select the call, as {@code <id>=match}, {@code <id>=no-match} or
   * {@code <id>=error} (empty when none); {@code shadow-set=error} when the shadow set failed.
   *
   * @since 0.2.0
   */
  public List<String> shadowRules() {
    return shadowRules;
  }

  /**
   * For {@code audit.opened}: the id of the guard instance that writes this run
   * ({@code AgentGuard.instanceId()}), so a reader of a shared stream (a Kafka topic) knows which
   * guard wrote a chain; else {@code null}. Covered by the hash like every other field.
   *
   * @since 0.2.0
   */
  public String instance() {
    return instance;
  }

  /** Id of the previous event of the same task, or {@code null}. */
  public String parent() {
    return parent;
  }

  /** Hash of the previous event in the chain. */
  public String prev() {
    return prev;
  }

  /** SHA-256 over {@code prev} and the canonical bytes of this event without {@code hash}. */
  public String hash() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AuditEvent)) {
      return false;
    }
    AuditEvent e = (AuditEvent) o;
    return v == e.v
        && implied == e.implied
        && seq == e.seq
        && Objects.equals(id, e.id)
        && Objects.equals(ts, e.ts)
        && Objects.equals(type, e.type)
        && Objects.equals(agent, e.agent)
        && Objects.equals(onBehalfOf, e.onBehalfOf)
        && Objects.equals(task, e.task)
        && Objects.equals(credential, e.credential)
        && Objects.equals(tool, e.tool)
        && Objects.equals(action, e.action)
        && Objects.equals(risk, e.risk)
        && Objects.equals(attributes, e.attributes)
        && Objects.equals(decision, e.decision)
        && Objects.equals(code, e.code)
        && Objects.equals(reasons, e.reasons)
        && Objects.equals(policies, e.policies)
        && Objects.equals(policyVersion, e.policyVersion)
        && Objects.equals(outcome, e.outcome)
        && Objects.equals(error, e.error)
        && Objects.equals(durationMicros, e.durationMicros)
        && Objects.equals(count, e.count)
        && Objects.equals(signature, e.signature)
        && Objects.equals(keyId, e.keyId)
        && Objects.equals(jwks, e.jwks)
        && Objects.equals(traceId, e.traceId)
        && Objects.equals(spanId, e.spanId)
        && Objects.equals(shadowDecision, e.shadowDecision)
        && Objects.equals(shadowCode, e.shadowCode)
        && Objects.equals(shadowPolicies, e.shadowPolicies)
        && Objects.equals(shadowVersion, e.shadowVersion)
        && Objects.equals(shadowRules, e.shadowRules)
        && Objects.equals(instance, e.instance)
        && Objects.equals(parent, e.parent)
        && Objects.equals(prev, e.prev)
        && Objects.equals(hash, e.hash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(seq, id, hash);
  }

  @Override
  public String toString() {
    return "AuditEvent{seq=" + seq + ", type=" + type + ", task=" + task + ", tool=" + tool
        + ", decision=" + decision + ", code=" + code + "}";
  }

  /** Builds an {@link AuditEvent}. Not thread-safe. */
  public static final class Builder {
    private String type;
    private String agent;
    private String onBehalfOf;
    private String task;
    private String credential;
    private String tool;
    private String action;
    private String risk;
    private Map<String, Object> attributes = Map.of();
    private String decision;
    private String code;
    private List<String> reasons = List.of();
    private List<String> policies = List.of();
    private String policyVersion;
    private String outcome;
    private String error;
    private Long durationMicros;
    private Long count;
    private String signature;
    private String keyId;
    private String jwks;
    private String traceId;
    private String spanId;
    private String shadowDecision;
    private String shadowCode;
    private List<String> shadowPolicies = List.of();
    private String shadowVersion;
    private List<String> shadowRules = List.of();
    private String instance;

    private Builder() {}





    /** Sets {@code type}: the event type's wire name, e.g. {@code "tool.decision"}. */
    public Builder type(String type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /** Sets {@code agent}: the agent id, or {@code null}. */
    public Builder agent(String agent) {
      this.agent = agent;
      return this;
    }

    /** Sets {@code onBehalfOf}: the principal the agent acted for, or {@code null}. */
    public Builder onBehalfOf(String onBehalfOf) {
      this.onBehalfOf = onBehalfOf;
      return this;
    }

    /** Sets {@code task}: the task id, or {@code null}. */
    public Builder task(String task) {
      this.task = task;
      return this;
    }

    /** Sets {@code credential}: the credential id ({@code jti}, never the token), or {@code null}. */
    public Builder credential(String credential) {
      this.credential = credential;
      return this;
    }

    /** Sets {@code tool}: the tool name, or {@code null}. */
    public Builder tool(String tool) {
      this.tool = tool;
      return this;
    }

    /** Sets {@code action}: the tool's action, or {@code null}. */
    public Builder action(String action) {
      this.action = action;
      return this;
    }

    /** Sets {@code risk}: the tool's risk wire name, or {@code null}. */
    public Builder risk(String risk) {
      this.risk = risk;
      return this;
    }

    /**
     * Sets {@code attributes}: request attributes keyed by path; redacted values replaced by
     * {@code sha256:<hex>} digests. Copied into an immutable map (no copy when it already is one,
     * as {@link ToolRequest#attributes()} is); iteration order is unspecified.
     */
    public Builder attributes(Map<String, Object> attributes) {
      // a request's own attribute map is immutable already: the audit writer takes it as it is
      this.attributes = attributes instanceof PairMap ? attributes : Map.copyOf(attributes);
      return this;
    }

    /** Sets {@code decision}: {@code "ALLOW"} or {@code "DENY"}, or {@code null} for events that record no decision. */
    public Builder decision(String decision) {
      this.decision = decision;
      return this;
    }

    /** Sets {@code code}: the deny code's name, or {@code null}. */
    public Builder code(String code) {
      this.code = code;
      return this;
    }

    /** Sets {@code reasons}: the decision's reasons (empty when none). */
    public Builder reasons(List<String> reasons) {
      this.reasons = List.copyOf(reasons);
      return this;
    }

    /** Sets {@code policies}: ids of the rules that decided (empty when none). */
    public Builder policies(List<String> policies) {
      this.policies = List.copyOf(policies);
      return this;
    }

    /** Sets {@code policyVersion}: version of the policy set used, or {@code null}. */
    public Builder policyVersion(String policyVersion) {
      this.policyVersion = policyVersion;
      return this;
    }

    /** Sets {@code outcome}: {@code "success"} or {@code "failure"} for {@code tool.completed}, else {@code null}. */
    public Builder outcome(String outcome) {
      this.outcome = outcome;
      return this;
    }

    /** Sets {@code error}: the failure's exception type and message, or the load error, or {@code null}. */
    public Builder error(String error) {
      this.error = error;
      return this;
    }

    /** Sets {@code durationMicros}: the tool body's duration in microseconds (monotonic clock), or {@code null}. */
    public Builder durationMicros(Long durationMicros) {
      this.durationMicros = durationMicros;
      return this;
    }

    /** Sets {@code count}: for {@code audit.gap}: how many events were not written; else {@code null}. */
    public Builder count(Long count) {
      this.count = count;
      return this;
    }

    /**
     * Sets {@code signature}: base64url Ed25519 signature, for {@code audit.checkpoint} and
     * {@code audit.closed}; the pipeline clears it on any other record.
     */
    public Builder signature(String signature) {
      this.signature = signature;
      return this;
    }

    /**
     * Sets {@code keyId}: RFC 7638 thumbprint of the signing key, for the pipeline's own records
     * ({@code audit.opened, audit.checkpoint, audit.closed}); the pipeline clears it on any other.
     */
    public Builder keyId(String keyId) {
      this.keyId = keyId;
      return this;
    }

    /**
     * Sets {@code jwks}: for {@code audit.opened}, the public JWK set of this run's signing key; the
     * pipeline clears it on any other record.
     *
     * @since 0.2.0
     */
    public Builder jwks(String jwks) {
      this.jwks = jwks;
      return this;
    }

    /**
     * Sets {@code traceId}: the W3C trace id of the call's span, or {@code null}. The guard sets it
     * on call records only, from a validated value.
     *
     * @since 0.2.0
     */
    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    /**
     * Sets {@code spanId}: the W3C span id of the call's span, or {@code null}.
     *
     * @since 0.2.0
     */
    public Builder spanId(String spanId) {
      this.spanId = spanId;
      return this;
    }

    /**
     * Sets {@code instance}: for {@code audit.opened}, the id of the guard instance writing the run;
     * the pipeline clears it on any other record.
     *
     * @since 0.2.0
     */
    public Builder instance(String instance) {
      this.instance = instance;
      return this;
    }





    /**
     * Sets {@code shadowDecision}: the shadow set's disagreeing decision, {@code "ALLOW"}, {@code "DENY"} or {@code null}.
     *
     * @since 0.2.0
     */
    public Builder shadowDecision(String shadowDecision) {
      this.shadowDecision = shadowDecision;
      return this;
    }

    /**
     * Sets {@code shadowCode}: the shadow set's deny code, or {@code null}.
     *
     * @since 0.2.0
     */
    public Builder shadowCode(String shadowCode) {
      this.shadowCode = shadowCode;
      return this;
    }

    /**
     * Sets {@code shadowPolicies}: ids of the shadow set's deciding rules (empty when none).
     *
     * @since 0.2.0
     */
    public Builder shadowPolicies(List<String> shadowPolicies) {
      this.shadowPolicies = List.copyOf(shadowPolicies);
      return this;
    }

    /**
     * Sets {@code shadowVersion}: the shadow set's version, or {@code null}.
     *
     * @since 0.2.0
     */
    public Builder shadowVersion(String shadowVersion) {
      this.shadowVersion = shadowVersion;
      return this;
    }

    /**
     * Sets {@code shadowRules}: the results of the live set's shadow rules ({@code <id>=match|no-match|error}).
     *
     * @since 0.2.0
     */
    public Builder shadowRules(List<String> results) {
      this.shadowRules = List.copyOf(results);
      return this;
    }

    /** The type set so far. */
    public String type() {
      return type;
    }

    /**
     * Builds an event with this content and none of the fields the pipeline assigns ({@code seq} 0,
     * the others {@code null}); see {@link AuditEvent#recorded} for a sealed one.
     */
    public AuditEvent build() {
      return new AuditEvent(this, FORMAT_VERSION, 0, null, null, null, null, null, 0);
    }
  }
}
