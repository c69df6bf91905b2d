package dev.agentguard.mcp;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What AgentGuard knows about one MCP tool: the tool name policies and scopes match, its action,
 * risk and sensitivity, and which JSON arguments bind to which request attributes (for example
 * {@code url -> destination.url}, {@code ticket -> resource.id}; {@code destination.host},
 * {@code scheme} and {@code port} are then derived as in core).
 *
 * <p>Declare it with {@link #builder(String)}, or let {@link #fromAnnotations(McpSchema.Tool)} derive
 * it from the tool's MCP {@code ToolAnnotations} by a default that errs toward the higher risk.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class McpToolMetadata {
  private final String tool;
  private final String action;
  private final Risk risk;
  private final Sensitivity sensitivity;
  private final Map<String, String> bindings;

  private McpToolMetadata(Builder b) {
    this.tool = b.tool;
    this.action = b.action;
    this.risk = b.risk;
    this.sensitivity = b.sensitivity;
    this.bindings = Collections.unmodifiableMap(new LinkedHashMap<>(b.bindings));
  }

  /**
   * A builder for the AgentGuard tool {@code tool}; defaults as for {@code @AgentTool}: action
   * {@code invoke}, risk MEDIUM, sensitivity INTERNAL, no argument bindings.
   *
   * @throws IllegalArgumentException if {@code tool} is not a valid AgentGuard tool name
   */
  public static Builder builder(String tool) {
    return new Builder(tool);
  }

  /**
   * Metadata derived from the MCP tool's annotations, named as the MCP tool. MCP's own defaults
   * apply to missing hints (not read-only, destructive, open world), and unknown means the worse case:
   * <ul>
   *   <li>read-only: action {@code read}; risk LOW, or MEDIUM when open world;
   *   <li>not read-only and not destructive ({@code destructiveHint: false}): action {@code write};
   *       risk MEDIUM, or HIGH when open world;
   *   <li>destructive (the default): action {@code write}; risk HIGH, or CRITICAL when open world
   *       (so a tool with no annotations at all is CRITICAL);
   *   <li>sensitivity CONFIDENTIAL always: annotations say nothing about data, so the data is assumed
   *       to be more than internal.
   * </ul>
   * No arguments are bound; declare metadata with {@link #builder(String)} to bind them.
   *
   * @throws IllegalArgumentException if the MCP tool name is not a valid AgentGuard tool name
   *     (then declare the metadata explicitly with another name)
   */
  public static McpToolMetadata fromAnnotations(McpSchema.Tool mcpTool) {
    Objects.requireNonNull(mcpTool, "mcpTool");
    McpSchema.ToolAnnotations a = mcpTool.annotations();
    boolean readOnly = a != null && Boolean.TRUE.equals(a.readOnlyHint());
    boolean destructive = !readOnly && (a == null || !Boolean.FALSE.equals(a.destructiveHint()));
    boolean openWorld = a == null || !Boolean.FALSE.equals(a.openWorldHint());
    Risk risk;
    if (readOnly) {
      risk = openWorld ? Risk.MEDIUM : Risk.LOW;
    } else if (destructive) {
      risk = openWorld ? Risk.CRITICAL : Risk.HIGH;
    } else {
      risk = openWorld ? Risk.HIGH : Risk.MEDIUM;
    }
    return builder(mcpTool.name()).action(readOnly ? "read" : "write").risk(risk)
        .sensitivity(Sensitivity.CONFIDENTIAL).build();
  }

  /** The AgentGuard tool name (what policies' {@code tools} and task scopes match). */
  public String tool() {
    return tool;
  }

  /** The action ({@code tool.action}). */
  public String action() {
    return action;
  }

  /** The risk ({@code tool.risk}). */
  public Risk risk() {
    return risk;
  }

  /** The declared sensitivity ({@code tool.sensitivity}, the default of {@code resource.sensitivity}). */
  public Sensitivity sensitivity() {
    return sensitivity;
  }

  /** Argument name to attribute path, in declaration order; unmodifiable. */
  public Map<String, String> bindings() {
    return bindings;
  }

  @Override
  public String toString() {
    return "McpToolMetadata{" + tool + ", action=" + action + ", risk=" + risk + ", sensitivity="
        + sensitivity + ", bindings=" + bindings + "}";
  }

  /**
   * Builds {@link McpToolMetadata}. Each single-valued setting may be given once. Not thread-safe.
   *
   * @since 0.2.0
   */
  public static final class Builder {
    private final String tool;
    private String action;
    private Risk risk;
    private Sensitivity sensitivity;
    private final Map<String, String> bindings = new LinkedHashMap<>();

    private Builder(String tool) {
      ToolRequest.builder(tool); // validates the name with core's rules and message
      this.tool = tool;
    }

    /**
     * The action, e.g. {@code read}, {@code send}.
     *
     * @throws IllegalArgumentException if invalid (core's rules); IllegalStateException if set twice
     */
    public Builder action(String action) {
      once(this.action, "action");
      ToolRequest.builder(tool).action(action);
      this.action = action;
      return this;
    }

    /** The risk. @throws IllegalStateException if set twice */
    public Builder risk(Risk risk) {
      once(this.risk, "risk");
      this.risk = Objects.requireNonNull(risk, "risk");
      return this;
    }

    /** The declared sensitivity. @throws IllegalStateException if set twice */
    public Builder sensitivity(Sensitivity sensitivity) {
      once(this.sensitivity, "sensitivity");
      this.sensitivity = Objects.requireNonNull(sensitivity, "sensitivity");
      return this;
    }

    /**
     * Binds the top-level JSON argument {@code argument} to the request attribute {@code path}.
     *
     * @throws IllegalArgumentException if the path has an unknown root or an invalid segment, or
     *     {@code argument} is blank
     * @throws IllegalStateException if {@code argument} is already bound
     */
    public Builder bind(String argument, String path) {
      Objects.requireNonNull(argument, "argument");
      if (argument.isBlank()) {
        throw new IllegalArgumentException("argument name must not be blank");
      }
      ToolRequest.checkAttributePath(path);
      if (bindings.putIfAbsent(argument, path) != null) {
        throw new IllegalStateException("argument '" + argument + "' bound twice");
      }
      return this;
    }

    /** The metadata. */
    public McpToolMetadata build() {
      if (action == null) {
        action = "invoke";
      }
      if (risk == null) {
        risk = Risk.MEDIUM;
      }
      if (sensitivity == null) {
        sensitivity = Sensitivity.INTERNAL;
      }
      return new McpToolMetadata(this);
    }

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " set twice");
      }
    }
  }
}
