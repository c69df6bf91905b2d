package dev.agentguard;

import dev.agentguard.internal.VisibleText;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a task needs: the agent, its purpose, on whose behalf it acts, the tools it may call (globs)
 * and how long its credential lives.
 *
 * <pre>{@code
 * TaskSpec spec = TaskSpec.builder(agent).purpose("triage T-1").onBehalfOf("user:alice")
 *     .scopes("tickets.*", "email.send").ttl(Duration.ofMinutes(5))
 *     .context("environment", "prod").build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class TaskSpec {
  private final AgentIdentity agent;
  private final String purpose;
  private final String onBehalfOf;
  private final List<String> scopes;
  private final Duration ttl;
  private final Map<String, Object> context;

  private TaskSpec(Builder b) {
    this.agent = b.agent;
    this.purpose = b.purpose;
    this.onBehalfOf = b.onBehalfOf;
    this.scopes = List.copyOf(b.scopes);
    this.ttl = b.ttl;
    this.context = Collections.unmodifiableMap(new LinkedHashMap<>(b.context));
  }

  /** Starts a spec for an agent. */
  public static Builder builder(AgentIdentity agent) {
    return new Builder(agent);
  }

  /** The agent the task runs as. */
  public AgentIdentity agent() {
    return agent;
  }

  /** The task's purpose, or {@code null}. */
  public String purpose() {
    return purpose;
  }

  /** The principal the agent acts for, or {@code null}. */
  public String onBehalfOf() {
    return onBehalfOf;
  }

  /** Tool-name globs the task's credential is scoped to; never empty. */
  public List<String> scopes() {
    return scopes;
  }

  /** The requested credential lifetime, or {@code null} for the guard's default. The guard caps it. */
  public Duration ttl() {
    return ttl;
  }

  /** Context values, read by policies as {@code context.<name>}. */
  public Map<String, Object> context() {
    return context;
  }

  /** Builds a {@link TaskSpec}; each setting may be given once. Not thread-safe. */
  public static final class Builder {
    private final AgentIdentity agent;
    private String purpose;
    private String onBehalfOf;
    private List<String> scopes;
    private Duration ttl;
    private final Map<String, Object> context = new LinkedHashMap<>();

    private Builder(AgentIdentity agent) {
      this.agent = Objects.requireNonNull(agent, "agent");
    }

    /** Why the task exists (free text, at most 512 characters). */
    public Builder purpose(String purpose) {
      once(this.purpose, "purpose");
      this.purpose = text(purpose, "purpose");
      return this;
    }

    /** The principal the agent acts for, e.g. {@code "user:alice"}. */
    public Builder onBehalfOf(String principal) {
      once(this.onBehalfOf, "onBehalfOf");
      this.onBehalfOf = text(principal, "onBehalfOf");
      return this;
    }

    /**
     * Tool-name globs the credential covers ({@code *} stops at dots, {@code **} does not).
     *
     * @throws IllegalArgumentException if none is given, or one is empty, longer than 256
     *     characters, or holds whitespace, control, invisible, bidi or other format characters (the
     *     message names the code point and its index)
     * @throws IllegalStateException if scopes were already set
     */
    public Builder scopes(String... scopes) {
      once(this.scopes, "scopes");
      Objects.requireNonNull(scopes, "scopes");
      if (scopes.length == 0) {
        throw new IllegalArgumentException("scopes must name at least one tool glob");
      }
      for (String s : scopes) {
        Objects.requireNonNull(s, "scope");
        VisibleText.requireVisible(s, "scope");
        if (s.isEmpty() || s.length() > 256 || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
          throw new IllegalArgumentException("invalid scope '" + s + "'");
        }
      }
      this.scopes = List.of(scopes);
      return this;
    }

    /** The credential lifetime; must be positive. */
    public Builder ttl(Duration ttl) {
      once(this.ttl, "ttl");
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** A context value read by policies as {@code context.<name>}. Each name once. */
    public Builder context(String name, Object value) {
      Objects.requireNonNull(name, "name");
      if (!AttributeValues.isIdentifier(name)) {
        throw new IllegalArgumentException("invalid context name '" + name + "'");
      }
      if (context.containsKey(name)) {
        throw new IllegalStateException("context '" + name + "' set twice");
      }
      context.put(name, AttributeValues.freeze("context." + name, value));
      return this;
    }

    /**
     * Builds the spec.
     *
     * @throws IllegalStateException if no scopes were given
     */
    public TaskSpec build() {
      if (scopes == null) {
        throw new IllegalStateException("a task needs scopes: the tool globs it may call");
      }
      return new TaskSpec(this);
    }

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " set twice");
      }
    }

    private static String text(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty() || value.length() > 512) {
        throw new IllegalArgumentException(name + " must be 1 to 512 characters");
      }
      return value;
    }
  }
}
