package dev.agentguard.core.internal.guard;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guard knows of one tool method, resolved once at {@code protect} time: name, action,
 * risk, sensitivity and how arguments bind to attributes.
 */
final class ToolDescriptor {
  /** One parameter that is bound ({@code @Attr}) and/or redacted ({@code @Redact}). */
  record Binding(int index, String path, boolean redacted, String auditKey) {}

  private final String tool;
  private final String action;
  private final Risk risk;
  private final Sensitivity sensitivity;
  private final Binding[] bindings;
  private final boolean hasRedactions;
  private final ToolRequest unboundRequest;

  ToolDescriptor(String tool, String action, Risk risk, Sensitivity sensitivity, List<Binding> bindings) {
    this.tool = tool;
    this.action = action;
    this.risk = risk;
    this.sensitivity = sensitivity;
    this.bindings = bindings.toArray(new Binding[0]);
    this.hasRedactions = bindings.stream().anyMatch(Binding::redacted);
    boolean anyAttr = bindings.stream().anyMatch(b -> b.path() != null);
    ToolRequest base = ToolRequest.builder(tool).action(action).risk(risk).sensitivity(sensitivity).build();
    this.unboundRequest = anyAttr ? null : base;
  }

  String tool() {
    return tool;
  }

  Risk risk() {
    return risk;
  }

  /**
   * The frozen request for one call. Argument values are copied into immutable attribute values
   * here, so later changes to the arguments cannot change the decision or its record.
   *
   * @throws IllegalArgumentException when an argument cannot be frozen (the guard denies)
   */
  ToolRequest request(Object[] args) {
    if (unboundRequest != null) {
      return unboundRequest;
    }
    ToolRequest.Builder b = ToolRequest.builder(tool).action(action).risk(risk).sensitivity(sensitivity);
    for (Binding binding : bindings) {
      if (binding.path() != null) {
        b.attribute(binding.path(), args[binding.index()]);
      }
    }
    return b.build();
  }

  /**
   * The attributes the audit record keeps: the decided request's attributes with every redacted
   * value replaced by its digest, plus digests of redacted arguments that are not bound.
   */
  Map<String, Object> auditAttributes(ToolRequest decided, Object[] args) {
    if (!hasRedactions) {
      return decided.attributes();
    }
    Map<String, Object> out = new LinkedHashMap<>(decided.attributes());
    for (Binding binding : bindings) {
      if (binding.redacted()) {
        Object value = args[binding.index()];
        if (binding.path() != null) {
          out.remove(binding.path());
        }
        out.put(binding.auditKey(), value == null ? "null" : Digests.of(value));
      }
    }
    return out;
  }
}
