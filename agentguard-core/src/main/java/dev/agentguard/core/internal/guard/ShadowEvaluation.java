package dev.agentguard.core.internal.guard;

import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.internal.policy.CompiledPolicySet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow evaluation of one call, on the caller's thread right after the live decision: the live
 * set's {@code mode: shadow} rules and, when configured, the whole candidate (shadow) policy set.
 * What it finds goes into the call's decision record ({@link #annotate}); it never changes the
 * decision and never throws into the request path: a shadow rule that cannot be evaluated is an
 * {@code =error} result and a candidate set that throws is a {@code shadow-set=error} result.
 *
 * <p>Cost: the shadow rules that select the call's tool (a cached per-tool list) plus, with a
 * candidate set, one more lock-free evaluation of that set. Nothing blocks, allocates beyond the
 * results, or does I/O; the candidate set is read with one volatile read of its source.
 *
 * <p>Thread-safe.
 */
final class ShadowEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluation.class);

  /** No candidate set: only the live set's shadow rules. */
  static final ShadowEvaluation RULES_ONLY = new ShadowEvaluation(() -> null);

  /** What a call's record carries: a disagreeing candidate decision (or null) and the rule results. */
  record Outcome(Decision disagreement, String version, List<String> results) {}

  private final Supplier<PolicySet> candidate;

  ShadowEvaluation(Supplier<PolicySet> candidate) {
    this.candidate = candidate;
  }

  /**
   * Evaluates the shadows of a decided call and leaves the outcome on it ({@code null} when there is
   * nothing to record).
   */
  void evaluate(Call call, PolicySet live, Decision decided) {
    TaskImpl task = call.task();
    ToolRequest r = call.request();
    List<String> results = List.of();
    Decision disagreement = null;
    String version = null;
    if (live instanceof CompiledPolicySet c && c.hasShadowRules()) {
      try {
        results = c.shadowResults(task.agent(), r, task, call.now());
      } catch (RuntimeException | StackOverflowError e) {
        results = List.of("shadow-rules=error");
        LOG.warn("shadow rules of {} failed: {}", live.version(), e.getClass().getName());
      }
    }
    PolicySet shadow = candidate.get();
    if (shadow != null) {
      version = shadow.version();
      try {
        Decision s = shadow.evaluate(task.agent(), r, task, call.now());
        if (s.allowed() != decided.allowed() || s.code() != decided.code()) {
          disagreement = s;
        }
      } catch (RuntimeException | StackOverflowError e) {
        List<String> withError = new ArrayList<>(results);
        withError.add("shadow-set=error");
        results = List.copyOf(withError);
        LOG.warn("shadow policy set {} failed: {}", version, e.getClass().getName());
      }
    }
    if (disagreement != null || !results.isEmpty()) {
      call.shadow(new Outcome(disagreement, version, results));
    }
  }

  /** Adds a call's shadow outcome (if any) to its decision record. */
  static AuditEvent.Builder annotate(AuditEvent.Builder b, Call call) {
    Outcome o = call.shadow();
    if (o == null) {
      return b;
    }
    b.shadowRules(o.results());
    if (o.disagreement() != null) {
      Decision d = o.disagreement();
      b.shadowDecision(d.allowed() ? "ALLOW" : "DENY")
          .shadowCode(d.allowed() ? null : d.code().name())
          .shadowPolicies(d.policies());
    }
    if (o.disagreement() != null || o.results().contains("shadow-set=error")) {
      b.shadowVersion(o.version());
    }
    return b;
  }
}
