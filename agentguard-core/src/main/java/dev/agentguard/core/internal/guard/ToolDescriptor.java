package dev.agentguard.core.internal.guard;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.ToolRequest;
import java.util.Arrays;
import java.util.HashSet;
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

  private final String tool;
  private final String action;
  private final Risk risk;
  private final Sensitivity sensitivity;
  private final Binding[] bindings;
  private final boolean hasRedactions;
  private final ToolRequest unboundRequest;
  /** The argument index of each binding with an attribute path, in binding order. */
  private final int[] bound;
  /**
   * The tool's requests with their fixed parts made once; {@code null} when two parameters bind one
   * path (then each call goes through the builder, where the later one wins).
   */
  private final ToolRequest.Template template;

  ToolDescriptor(String tool, String action, Risk risk, Sensitivity sensitivity, List<Binding> bindings) {
    this.tool = tool;
    this.action = action;
    this.risk = risk;
    this.sensitivity = sensitivity;
    this.bindings = bindings.toArray(new Binding[0]);
    this.hasRedactions = bindings.stream().anyMatch(Binding::redacted);
    this.unboundRequest = ToolRequest.builder(tool).action(action).risk(risk).sensitivity(sensitivity).build();
    this.bound = bindings.stream().filter(b -> b.path() != null).mapToInt(Binding::index).toArray();
    String[] paths = bindings.stream().map(Binding::path).filter(p -> p != null).toArray(String[]::new);
    this.template = paths.length == new HashSet<>(Arrays.asList(paths)).size()
        ? unboundRequest.toBuilder().template(paths) : null;
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
   * The arguments one call is decided and run on: every bound or redacted argument copied once,
   * the others as given, so the decision, its record and the body see the same values whatever the
   * caller does with its objects afterwards.
   *
   * @throws IllegalArgumentException when an argument cannot be copied; the message names the
   *     parameter by index, type and attribute path, never its value (the guard denies with it)
   */
  Object[] copyArguments(Object[] live) {
    if (bindings.length == 0) {
      return live;
    }
    Object[] args = new Object[live.length];
    for (int i = 0; i < args.length; i++) { // a loop: clone() of a one- or two-element array calls the copy stub
      args[i] = live[i];
    }
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
    return args;
  }

  /**
   * The request decided on copied arguments ({@link #copyArguments}): through the tool's template,
   * one request object and one exact-size array of values per call.
   *
   * @throws IllegalArgumentException when an argument cannot be frozen into an attribute; the
   *     message names the parameter, never its value
   */
  ToolRequest request(Object[] args) {
    int[] at = bound;
    if (at.length == 0) {
      return unboundRequest;
    }
    if (template != null) {
      try {
        switch (at.length) {
          case 1:
            return template.with(args[at[0]]);
          case 2:
            return template.with(args[at[0]], args[at[1]]);
          default:
            Object[] values = new Object[at.length];
            for (int i = 0; i < at.length; i++) {
              values[i] = args[at[i]];
            }
            return template.withValues(values);
        }
      } catch (IllegalArgumentException e) {
        // fall through: the builder names the parameter that cannot be frozen
      }
    }
    ToolRequest.Builder request = unboundRequest.toBuilder();
    for (Binding b : bindings) {
      if (b.path() != null) {
        try {
          request.attribute(b.path(), args[b.index()]);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(parameter(b) + ": " + e.getMessage());
        }
      }
    }
    return request.build();
  }

  /** The digests of the redacted copied arguments, keyed by audit key; empty (shared) when none is redacted. */
  Map<String, String> digests(Object[] args) {
    if (!hasRedactions) {
      return Map.of();
    }
    Map<String, String> digests = new LinkedHashMap<>();
    for (Binding b : bindings) {
      if (b.redacted()) {
        Object value = args[b.index()];
        digests.put(b.auditKey(), value == null ? "null" : Digests.of(value));
      }
    }
    return digests;
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
   *
   * @return {@code null} when no argument is redacted: the record keeps the decided request's own
   *     attributes (see {@link Call#auditAttributes()}), and no map is made for it here
   */
  Map<String, Object> auditAttributes(ToolRequest decided, Map<String, String> digests) {
    if (!hasRedactions) {
      return null;
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
    out.putAll(digests);
    return out;
  }
}
