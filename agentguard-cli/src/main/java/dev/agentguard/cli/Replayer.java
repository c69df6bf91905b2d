package dev.agentguard.cli;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Re-decides every recorded {@code tool.decision} of a trail under a candidate policy, each against
 * its task's state rebuilt from the task's own chain (see {@link ReplayTask}). A decision whose
 * candidate rules read a value the trail does not hold (a redacted argument, a sensitivity no
 * catalog gave, task context, agent attributes, the history of a task that started before the
 * given files) is reported as undecidable, never guessed. Not thread-safe.
 *
 * @since 0.2.0
 */
final class Replayer {
  /** How a recorded decision fares under the candidate. */
  enum Change {
    /** Same decision and code. */
    UNCHANGED,
    /** Was allowed, the candidate denies it. */
    NEWLY_DENIED,
    /** Was denied by the policy, the candidate allows it. */
    NEWLY_ALLOWED,
    /** Denied both times, with a different code. */
    CODE_CHANGED,
    /** The candidate's rules read a value the trail does not hold. */
    UNDECIDABLE,
    /** Denied before the policy was consulted (credential, scope, limit, audit, ...): not a policy decision. */
    NOT_REDECIDED
  }

  /** One replayed decision. {@code candidate} is {@code null} unless it was re-decided. */
  record Outcome(AuditEvent event, Change change, Decision candidate, String detail) {}

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern CONTEXT_REF = Pattern.compile("(?<![A-Za-z0-9_.])context\\.([A-Za-z0-9_.]+)");
  private static final Pattern AGENT_ATTRIBUTE_REF =
      Pattern.compile("(?<![A-Za-z0-9_.])agent\\.(?!id(?![A-Za-z0-9_]))[A-Za-z_]");
  private static final Pattern TASK_REF = Pattern.compile("(?<![A-Za-z0-9_.])task\\.(?!id(?![A-Za-z0-9_]))[A-Za-z_]");

  private final PolicyDocument candidate;
  private final ToolCatalog catalog;
  private final Map<String, Object> assumedContext;
  private final Globs globs = new Globs();
  private final Map<String, ReplayTask> tasks = new HashMap<>();
  private final Map<String, Pattern> references = new HashMap<>();
  /** Allowed decisions whose completion has not come yet, by id: a short completion names its decision by parent. */
  private final Map<String, AuditEvent> awaitingCompletion = new HashMap<>();

  /**
   * @param candidate the policy to re-decide under
   * @param catalog tools with their sensitivities, or {@code null}
   * @param assumedContext task context values the reviewer asserts for every task ({@code --context})
   */
  Replayer(PolicyDocument candidate, ToolCatalog catalog, Map<String, Object> assumedContext) {
    this.candidate = candidate;
    this.catalog = catalog;
    this.assumedContext = Map.copyOf(assumedContext);
  }

  /** Replays {@code events} in chain order; one outcome per {@code tool.decision}. */
  List<Outcome> replay(List<AuditEvent> events) {
    List<Outcome> out = new ArrayList<>();
    for (AuditEvent e : events) {
      ReplayTask task = e.task() == null ? null : tasks.computeIfAbsent(e.task(), id -> new ReplayTask(id, assumedContext));
      switch (e.type()) {
        case AuditEvent.TASK_STARTED -> {
          if (task != null) {
            task.started(millis(e), e.reasons().isEmpty() ? null : e.reasons().get(0), e.onBehalfOf());
          }
        }
        case AuditEvent.TOOL_DECISION -> {
          out.add(decide(e, task));
          if (task != null && ("ALLOW".equals(e.decision()) || DenyCode.AUDIT_UNAVAILABLE.name().equals(e.code()))) {
            task.allowed(); // the guard counts the call before the audit write that may refuse it
          }
          if (e.outcome() != null) {
            // since 0.2.0 a call below the write-ahead risk is one record: decision and outcome together
            if (task != null && "success".equals(e.outcome()) && e.tool() != null) {
              task.succeeded(e.tool(), touched(e));
            }
          } else if ("ALLOW".equals(e.decision()) && e.id() != null) {
            awaitingCompletion.put(e.id(), e);
          }
        }
        case AuditEvent.TOOL_COMPLETED -> {
          // since 0.2.0 a completion is short and its decision holds the attributes; older trails repeat them
          AuditEvent decision = e.parent() == null ? null : awaitingCompletion.remove(e.parent());
          AuditEvent attributed = e.attributes().isEmpty() && decision != null ? decision : e;
          if (task != null && "success".equals(e.outcome()) && e.tool() != null) {
            task.succeeded(e.tool(), touched(attributed));
          }
        }
        default -> {
          // other records do not change what a policy reads
        }
      }
    }
    return out;
  }

  private Outcome decide(AuditEvent e, ReplayTask task) {
    String notPolicy = notPolicyDecided(e);
    if (notPolicy != null) {
      return new Outcome(e, Change.NOT_REDECIDED, null, notPolicy);
    }
    if (task == null || e.agent() == null || e.tool() == null) {
      return new Outcome(e, Change.UNDECIDABLE, null, "the record names no task, agent or tool");
    }
    long now = millis(e);
    if (now == Long.MIN_VALUE) {
      return new Outcome(e, Change.UNDECIDABLE, null, "the record's time does not parse: " + e.ts());
    }
    ToolRequest request;
    AgentIdentity agent;
    try {
      agent = AgentIdentity.of(e.agent());
      ToolRequest.Builder b = ToolRequest.builder(e.tool());
      if (e.action() != null) {
        b.action(e.action());
      }
      if (e.risk() != null) {
        b.risk(Risk.fromWireName(e.risk()));
      }
      Sensitivity declared = catalog == null ? null : catalog.tool(e.tool()).map(ToolCatalog.Tool::sensitivity).orElse(null);
      if (declared != null) {
        b.sensitivity(declared);
      }
      for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
        if (!a.getKey().startsWith("redacted.")) {
          b.attribute(a.getKey(), a.getValue());
        }
      }
      request = b.build();
    } catch (IllegalArgumentException ex) {
      return new Outcome(e, Change.UNDECIDABLE, null, "the record cannot be turned into a request: " + ex.getMessage());
    }
    TreeSet<String> missing = missingInputs(e, task, request, now);
    if (!missing.isEmpty()) {
      return new Outcome(e, Change.UNDECIDABLE, null, "the candidate's rules read " + String.join(", ", missing)
          + ", which the trail does not hold");
    }
    Decision d = candidate.set().evaluate(agent, request, task, now);
    return new Outcome(e, compare(e, d), d, "");
  }

  private static Change compare(AuditEvent recorded, Decision d) {
    boolean wasAllowed = "ALLOW".equals(recorded.decision());
    if (wasAllowed) {
      return d.allowed() ? Change.UNCHANGED : Change.NEWLY_DENIED;
    }
    if (d.allowed()) {
      return Change.NEWLY_ALLOWED;
    }
    return d.code().name().equals(recorded.code()) ? Change.UNCHANGED : Change.CODE_CHANGED;
  }

  /** Why a recorded decision was not the policy's, or {@code null} when it was. */
  private static String notPolicyDecided(AuditEvent e) {
    if ("ALLOW".equals(e.decision())) {
      return null;
    }
    DenyCode code;
    try {
      code = DenyCode.valueOf(String.valueOf(e.code()));
    } catch (IllegalArgumentException ex) {
      return "unknown deny code " + e.code();
    }
    boolean byPolicy = switch (code) {
      case FORBIDDEN, EVALUATION_ERROR -> !e.policies().isEmpty(); // without a rule: the risk tier or a frozen argument
      case NO_MATCHING_PERMIT -> true;
      case NO_TASK, CREDENTIAL_EXPIRED, CREDENTIAL_REVOKED, OUT_OF_SCOPE, AGENT_UNVERIFIED, LIMIT_EXCEEDED,
          APPROVAL_REQUIRED, APPROVAL_DENIED, AUDIT_UNAVAILABLE, POLICY_UNAVAILABLE, REVOCATION_UNAVAILABLE,
          SECRET_UNAVAILABLE -> false;
    };
    return byPolicy ? null : "denied " + code + " outside the policy";
  }

  /** Inputs the candidate's rules for this call read that the trail does not hold. */
  private TreeSet<String> missingInputs(AuditEvent e, ReplayTask task, ToolRequest request, long now) {
    List<String> unknownPaths = new ArrayList<>();
    for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
      if (!a.getKey().startsWith("redacted.") && a.getValue() instanceof String
          && DIGEST.matcher((String) a.getValue()).matches()) {
        unknownPaths.add(a.getKey()); // a redacted, bound argument: the trail keeps only its digest
      }
    }
    boolean sensitivityKnown = catalog != null && catalog.tool(e.tool()).map(t -> t.sensitivity() != null).orElse(false);
    if (!sensitivityKnown) {
      unknownPaths.add("tool.sensitivity");
      if (!e.attributes().containsKey("resource.sensitivity")) {
        unknownPaths.add("resource.sensitivity");
      }
    }
    if (!task.sensitivityKnown()) {
      unknownPaths.add("task.maxSensitivity");
    }
    TreeSet<String> missing = new TreeSet<>();
    for (PolicyDocument.Rule rule : candidate.rules()) {
      if (rule.when() == null || (rule.expires() != null && !rule.expires().isAfter(Instant.ofEpochMilli(now)))
          || !globs.anyMatches(rule.tools(), request.tool())
          || (!rule.anyAgent() && !globs.anyMatches(rule.agents(), e.agent()))) {
        continue;
      }
      String when = rule.when();
      for (String path : unknownPaths) {
        Pattern reference = references.computeIfAbsent(path,
            p -> Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(p) + "(?![A-Za-z0-9_])"));
        if (reference.matcher(when).find()) {
          missing.add(path.startsWith("tool.") || path.startsWith("task.") || path.startsWith("resource.sensitivity")
              ? path + " (give --tools)" : path + " (redacted)");
        }
      }
      if (!task.complete() && TASK_REF.matcher(when).find()) {
        missing.add("task history (the task started before the given files)");
      }
      if (AGENT_ATTRIBUTE_REF.matcher(when).find()) {
        missing.add("agent attributes");
      }
      Matcher m = CONTEXT_REF.matcher(when);
      while (m.find()) {
        String path = m.group(1);
        if (!known(path, e.attributes(), assumedContext)) {
          missing.add("context." + path + " (give --context)");
        }
      }
    }
    return missing;
  }

  private static boolean known(String path, Map<String, Object> attributes, Map<String, Object> context) {
    for (String key : attributes.keySet()) {
      if (key.startsWith("context.") && (path.equals(key.substring(8)) || path.startsWith(key.substring(8) + "."))) {
        return true;
      }
    }
    for (String key : context.keySet()) {
      if (path.equals(key) || path.startsWith(key + ".")) {
        return true;
      }
    }
    return false;
  }

  /** The sensitivity a successful call touched: its resource.sensitivity, else the catalog's, else unknown. */
  private Sensitivity touched(AuditEvent e) {
    Object s = e.attributes().get("resource.sensitivity");
    if (s instanceof String) {
      try {
        return Sensitivity.fromWireName((String) s);
      } catch (IllegalArgumentException ex) {
        return null;
      }
    }
    return catalog == null ? null : catalog.tool(e.tool()).map(ToolCatalog.Tool::sensitivity).orElse(null);
  }

  private static long millis(AuditEvent e) {
    try {
      return Instant.parse(e.ts()).toEpochMilli();
    } catch (DateTimeParseException | NullPointerException ex) {
      return Long.MIN_VALUE;
    }
  }
}
