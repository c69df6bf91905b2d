package dev.agentguard.core;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.PolicyException;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.policy.CompiledPolicySet;
import java.nio.file.Path;
import java.util.List;

/**
 * One immutable, compiled version of a policy document: permit and forbid rules over tools and
 * agents with optional conditions, plus call limits. See {@code docs/policy-language.md} for the
 * document format and the condition language.
 *
 * <p>Decision order: a qualifying forbid denies ({@code FORBIDDEN}, or {@code EVALUATION_ERROR} when
 * its condition could not be evaluated); else a matching {@code approval: required} permit denies
 * {@code APPROVAL_REQUIRED} (a guard then asks its approval handler); else a matching permit allows;
 * else the call is denied with {@code NO_MATCHING_PERMIT}. Rules with {@code mode: shadow} never
 * decide (since 0.2.0). Rule order never matters: when several rules qualify, the one
 * with the smallest id is reported.
 *
 * <p>Implementations are immutable and thread-safe; share one instance across threads.
 *
 * @since 0.1.0
 */
public interface PolicySet {
  /**
   * Parses a YAML or JSON document (JSON when the first non-space character is <code>{</code>), with
   * source name {@code "<string>"}.
   *
   * @param yamlOrJson the document
   * @return the compiled policy set
   * @throws PolicyException when the document is invalid, with line, column and value
   */
  static PolicySet parse(String yamlOrJson) {
    return parse(yamlOrJson, "<string>");
  }

  /**
   * Parses a YAML or JSON document.
   *
   * @param yamlOrJson the document
   * @param sourceName the name reported in errors and by {@link #source()}
   * @return the compiled policy set
   * @throws PolicyException when the document is invalid, with line, column and value
   */
  static PolicySet parse(String yamlOrJson, String sourceName) {
    return CompiledPolicySet.parse(yamlOrJson, sourceName);
  }

  /**
   * Reads and parses a policy file (UTF-8, YAML or JSON). The source name is the path as given.
   *
   * @param file the file
   * @return the compiled policy set
   * @throws PolicyException when the file cannot be read or is invalid
   */
  static PolicySet load(Path file) {
    return CompiledPolicySet.load(file);
  }

  /** The version: {@code "sha256:<64 hex>"} of the canonical form; YAML and JSON forms agree. */
  String version();

  /** Where the document came from: a path as given, a source name, or {@code "<string>"}. */
  String source();

  /** The rule ids in document order (unmodifiable). */
  List<String> ruleIds();

  /**
   * The canonical form of this policy set as a JSON policy document (sorted keys, no whitespace,
   * rules and limits sorted by id). Parsing it gives a set with the same version and decisions.
   *
   * @return the canonical document
   * @throws UnsupportedOperationException for implementations that cannot print themselves
   */
  default String canonicalDocument() {
    throw new UnsupportedOperationException("canonicalDocument");
  }

  /**
   * Decides a call without task state ({@code task.*} attributes are missing), at the current time
   * of {@code Clock.systemUTC()}.
   *
   * @param agent the calling agent
   * @param request the call
   * @return the decision; never null
   * @throws NullPointerException if an argument is null
   */
  Decision evaluate(AgentIdentity agent, ToolRequest request);

  /**
   * Decides a call.
   *
   * @param agent the calling agent
   * @param request the call
   * @param task the task state, or {@code null} (then {@code task.*} attributes are missing)
   * @param nowEpochMillis the current time; rules whose {@code expires} is at or before it never
   *     match, and {@code time.*} and {@code task.ageSeconds} derive from it
   * @return the decision; never null
   * @throws NullPointerException if agent or request is null
   */
  Decision evaluate(AgentIdentity agent, ToolRequest request, TaskState task, long nowEpochMillis);

  /**
   * Explains a call at the current time of {@code Clock.systemUTC()}; see
   * {@link #explain(AgentIdentity, ToolRequest, TaskState, long)}.
   *
   * @param agent the calling agent
   * @param request the call
   * @param task the task state, or {@code null} (then {@code task.*} attributes are missing)
   * @return the explanation; never null
   * @throws NullPointerException if agent or request is null
   * @throws UnsupportedOperationException for implementations that cannot explain themselves
   * @since 0.2.0
   */
  default Explanation explain(AgentIdentity agent, ToolRequest request, TaskState task) {
    return explain(agent, request, task, System.currentTimeMillis());
  }

  /**
   * Explains a call: the decision {@link #evaluate(AgentIdentity, ToolRequest, TaskState, long)}
   * gives for the same arguments, and for every rule whose tools and agents select the call, whether
   * it matched and the value of each sub-condition (true, false, or an error with its reason). For
   * tools such as {@code agentguard policy explain}; slower than {@code evaluate} (every
   * sub-condition is evaluated and the tree is allocated). Thread-safe.
   *
   * @param agent the calling agent
   * @param request the call
   * @param task the task state, or {@code null} (then {@code task.*} attributes are missing)
   * @param nowEpochMillis the evaluation time, as for {@code evaluate}
   * @return the explanation; never null
   * @throws NullPointerException if agent or request is null
   * @throws UnsupportedOperationException for implementations that cannot explain themselves
   * @since 0.2.0
   */
  default Explanation explain(AgentIdentity agent, ToolRequest request, TaskState task, long nowEpochMillis) {
    throw new UnsupportedOperationException("explain");
  }

  /**
   * The rules as written, in document order (unmodifiable): ids, effects, tool and agent globs,
   * expiry and conditions, for linters and reviewers.
   *
   * @return the rules
   * @throws UnsupportedOperationException for implementations that cannot list their rules
   * @since 0.2.0
   */
  default List<PolicyRule> rules() {
    throw new UnsupportedOperationException("rules");
  }

  /**
   * The limits whose {@code tools} match the tool and whose {@code agents} (if any) match the agent,
   * sorted by id.
   *
   * @param tool the tool name
   * @param agentId the agent id
   * @return an immutable list, empty when none apply
   */
  List<PolicyLimit> limitsFor(String tool, String agentId);
}
