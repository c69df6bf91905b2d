package dev.agentguard.springai;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The AgentGuard metadata of a Spring AI {@code ToolCallback} that is not an annotated method (for
 * example a tool of an MCP client): its AgentGuard name, action, risk, sensitivity, and which
 * top-level fields of the model's JSON arguments become request attributes.
 *
 * <pre>{@code
 * ToolBinding fetch = ToolBinding.builder("http.get")
 *     .action("read").risk(Risk.HIGH)
 *     .attribute("url", "destination.url")
 *     .build();
 * }</pre>
 *
 * <p>Fields that are not bound never reach the decision or the audit trail, so a secret argument
 * stays out of the record by not being bound. Bound values must be JSON strings, numbers or
 * booleans; anything else is denied before the tool runs.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class ToolBinding {
  private final ToolRequest template;
  private final Map<String, String> attributes;

  private ToolBinding(Builder b) {
    this.template = ToolRequest.builder(b.tool).action(b.action).risk(b.risk).sensitivity(b.sensitivity).build();
    this.attributes = Map.copyOf(b.attributes);
  }

  /**
   * A builder for the tool named {@code tool} in policies, scopes and the audit trail. Defaults as
   * for {@code @AgentTool}: action {@code "invoke"}, risk MEDIUM, sensitivity INTERNAL.
   *
   * @throws IllegalArgumentException if {@code tool} is not a valid AgentGuard tool name
   * @throws NullPointerException if {@code tool} is null
   */
  public static Builder builder(String tool) {
    Objects.requireNonNull(tool, "tool");
    ToolRequest.builder(tool); // validates the name with the core's rules
    return new Builder(tool);
  }

  /** The AgentGuard tool name. */
  public String tool() {
    return template.tool();
  }

  /** The action. */
  public String action() {
    return template.action();
  }

  /** The declared risk. */
  public Risk risk() {
    return template.risk();
  }

  /** The declared sensitivity. */
  public Sensitivity sensitivity() {
    return template.sensitivity();
  }

  /** JSON argument field to attribute path (unmodifiable). */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** A request builder for one call of the tool: name, action, risk and sensitivity set, no attributes. */
  ToolRequest.Builder request() {
    return template.toBuilder();
  }

  @Override
  public String toString() {
    return "ToolBinding{" + tool() + ", action=" + action() + ", risk=" + risk() + ", sensitivity="
        + sensitivity() + ", attributes=" + attributes.keySet() + "}";
  }

  /**
   * Builds a {@link ToolBinding}. Each single-valued setting may be given once. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final String tool;
    private String action = "invoke";
    private Risk risk = Risk.MEDIUM;
    private Sensitivity sensitivity = Sensitivity.INTERNAL;
    private boolean actionSet;
    private boolean riskSet;
    private boolean sensitivitySet;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder(String tool) {
      this.tool = tool;
    }

    /**
     * The action, e.g. {@code "read"}.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder action(String action) {
      Objects.requireNonNull(action, "action");
      if (actionSet) {
        throw new IllegalStateException("action set twice");
      }
      ToolRequest.builder(tool).action(action); // same validation as a request
      actionSet = true;
      this.action = action;
      return this;
    }

    /**
     * The risk.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder risk(Risk risk) {
      Objects.requireNonNull(risk, "risk");
      if (riskSet) {
        throw new IllegalStateException("risk set twice");
      }
      riskSet = true;
      this.risk = risk;
      return this;
    }

    /**
     * The sensitivity of the data the tool touches.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder sensitivity(Sensitivity sensitivity) {
      Objects.requireNonNull(sensitivity, "sensitivity");
      if (sensitivitySet) {
        throw new IllegalStateException("sensitivity set twice");
      }
      sensitivitySet = true;
      this.sensitivity = sensitivity;
      return this;
    }

    /**
     * Binds the top-level JSON argument {@code field} to the attribute {@code path}, e.g.
     * {@code attribute("url", "destination.url")}.
     *
     * @throws IllegalArgumentException if {@code path} is not a valid attribute path, or
     *     {@code field} is blank or already bound
     */
    public Builder attribute(String field, String path) {
      Objects.requireNonNull(field, "field");
      ToolRequest.checkAttributePath(Objects.requireNonNull(path, "path"));
      if (field.isBlank()) {
        throw new IllegalArgumentException("the JSON field bound to " + path + " is blank");
      }
      if (attributes.containsKey(field)) {
        throw new IllegalArgumentException("JSON field '" + field + "' of " + tool + " is bound twice");
      }
      attributes.put(field, path);
      return this;
    }

    /** The binding. */
    public ToolBinding build() {
      return new ToolBinding(this);
    }
  }
}
