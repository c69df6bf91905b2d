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
  /** One parameter that is bound ({@code @Attr}) and/or redacted ({@code @Redact}), and how it is copied. */
  record Binding(int index, String path, boolean redacted, String auditKey, String typeName, ArgumentCopier copier) {}

  /**
   * One call's snapshot: the arguments the body runs on (bound and redacted ones copied, the others
   * as given), the request decided on them, and the digests of the redacted ones, keyed by audit key.
   */
  record Frozen(Object[] args, ToolRequest request, Map<String, String> digests) {}

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
    this.unboundRequest = ToolRequest.builder(tool).action(action).risk(risk).sensitivity(sensitivity).build();
  }

  String tool() {
    return tool;
  }

  Risk risk() {
    return risk;
  }

  /** The request with the tool's metadata and no attributes: what a call is recorded as when freezing fails. */
  ToolRequest bareRequest() {
    return unboundRequest;
  }

  /**
   * Takes one call's snapshot: copies every bound or redacted argument once, builds the request from
   * the copies and digests the redacted copies, so the decision, its record and the body see the
   * same values whatever the caller does with its objects afterwards.
   *
   * @throws IllegalArgumentException when an argument cannot be copied or frozen; the message names
   *     the parameter by index, type and attribute path, never its value (the guard denies with it)
   */
  Frozen freeze(Object[] live) {
    if (bindings.length == 0) {
      return new Frozen(live, unboundRequest, Map.of());
    }
    Object[] args = live.clone();
    for (Binding b : bindings) {
      try {
        args[b.index()] = b.copier().copy(live[b.index()]);
      } catch (ArgumentCopier.Uncopyable e) {
        throw new IllegalArgumentException(parameter(b) + " could not be copied: " + e.getMessage());
      } catch (Throwable t) {
        // the argument's own code failed (anything, even a sneaky checked exception); its message may
        // quote the value, so only the type is kept. Only a JVM in trouble is not a deny.
        if (t instanceof VirtualMachineError vm && !(t instanceof StackOverflowError)) {
          throw vm;
        }
        throw new IllegalArgumentException(parameter(b) + " could not be read: " + t.getClass().getName());
      }
    }
    ToolRequest.Builder request = ToolRequest.builder(tool).action(action).risk(risk).sensitivity(sensitivity);
    Map<String, String> digests = hasRedactions ? new LinkedHashMap<>() : Map.of();
    for (Binding b : bindings) {
      Object value = args[b.index()];
      if (b.path() != null) {
        try {
          request.attribute(b.path(), value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(parameter(b) + ": " + e.getMessage());
        }
      }
      if (b.redacted()) {
        digests.put(b.auditKey(), value == null ? "null" : Digests.of(value));
      }
    }
    return new Frozen(args, request.build(), digests);
  }

  private String parameter(Binding b) {
    return "argument " + b.index() + " (" + b.typeName() + (b.path() == null ? "" : ", bound to '" + b.path() + "'")
        + (b.redacted() ? ", redacted" : "") + ") of " + tool;
  }

  /**
   * The attributes the audit record keeps: the decided request's attributes with every redacted
   * value replaced by its digest, every attribute derived from a redacted one (the host of a redacted
   * URL, ...; see {@link ToolRequest#derivedFrom}) replaced by a marker, plus digests of redacted
   * arguments that are not bound. Over-long values are bounded by the audit writer, for every path
   * alike ({@code internal.audit.RecordBounds}).
   */
  Map<String, Object> auditAttributes(ToolRequest decided, Frozen frozen) {
    if (!hasRedactions) {
      return decided.attributes();
    }
    Map<String, Object> out = new LinkedHashMap<>(decided.attributes());
    for (Binding binding : bindings) {
      if (binding.redacted() && binding.path() != null) {
        out.remove(binding.path());
        for (String derived : decided.derivedFrom(binding.path())) {
          out.put(derived, "[redacted: derived from " + binding.path() + "]");
        }
      }
    }
    out.putAll(frozen.digests());
    return out;
  }
}
