package dev.agentguard.mcp;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.DenyCode;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.DenialText;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.util.ToolInputValidator;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides one {@code tools/call} and answers it with a {@link CallToolResult}, never an exception:
 * validate the arguments (the SDK's validator and message), bind them to attributes, find the
 * caller's task, then let the guard decide, run and record. A denial is {@code isError: true} with
 * {@link DenialText}; a rejected argument is recorded through the guard before the SDK's message goes
 * back; a failing handler becomes a generic error text (its message may hold internals).
 *
 * <p>Thread-safe.
 */
final class ToolGate {
  static final String TOOL_FAILED = "ERROR: the tool failed";
  private static final Set<String> NON_FINITE = Set.of("nan", "+nan", "-nan", "infinity", "+infinity",
      "-infinity", "inf", "+inf", "-inf");
  private static final Logger LOG = LoggerFactory.getLogger(ToolGate.class);

  private final AgentGuard guard;
  private final CallerTasks tasks;
  private final JsonSchemaValidator validator;
  private final NoTaskMask noTask;

  ToolGate(AgentGuard guard, CallerTasks tasks, JsonSchemaValidator validator) {
    this.guard = guard;
    this.tasks = tasks;
    this.validator = validator;
    this.noTask = new NoTaskMask(guard);
  }

  /** Decides and, when allowed, runs {@code handler} once, under the caller's task. */
  CallToolResult call(McpCaller caller, McpSchema.Tool tool, McpToolMetadata meta,
      McpSchema.CallToolRequest request, Function<McpSchema.CallToolRequest, CallToolResult> handler) {
    Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
    CallToolResult rejection;
    try {
      rejection = ToolInputValidator.validate(tool, args, true, validator);
    } catch (RuntimeException e) {
      LOG.warn("validating the arguments of MCP tool {} failed: {}", meta.tool(), e.getClass().getName());
      rejection = error("invalid arguments");
    }
    ToolRequest.Builder b = ToolRequest.builder(meta.tool()).action(meta.action()).risk(meta.risk())
        .sensitivity(meta.sensitivity());
    for (Map.Entry<String, String> binding : meta.bindings().entrySet()) {
      Object value = args.get(binding.getKey());
      if (value == null) {
        continue; // a missing attribute is an evaluation error for any rule that reads it: fails closed
      }
      if (!finite(value)) {
        rejection = rejection != null ? rejection
            : error("invalid argument '" + binding.getKey() + "': not a finite number");
        continue;
      }
      try {
        b.attribute(binding.getValue(), value);
      } catch (IllegalArgumentException e) {
        rejection = rejection != null ? rejection
            : error("invalid argument '" + binding.getKey() + "': " + e.getMessage());
      }
    }
    ToolRequest guarded;
    try {
      guarded = b.build();
    } catch (IllegalArgumentException e) {
      // an unparsable destination.url: decide without the bound attributes, as a rejected call
      rejection = rejection != null ? rejection : error("invalid arguments: " + e.getMessage());
      guarded = ToolRequest.builder(meta.tool()).action(meta.action()).risk(meta.risk())
          .sensitivity(meta.sensitivity()).build();
    }
    CallToolResult rejected = rejection;
    Callable<CallToolResult> action = rejected != null
        ? () -> {
          throw new ArgumentsRejected();
        }
        : () -> handler.apply(request);
    CallerTasks.Lease lease = tasks.lease(caller);
    try {
      CallToolResult result = decide(lease.task, guarded, action);
      return result != null ? result : error(TOOL_FAILED);
    } catch (AccessDeniedException e) {
      DenyCode code = e.decision().code();
      if (lease.task != null && (code == DenyCode.CREDENTIAL_EXPIRED || code == DenyCode.CREDENTIAL_REVOKED)) {
        lease.task.close(); // a dead credential ends the session's task; it is never renewed silently
      }
      return error(DenialText.of(e.decision()));
    } catch (ArgumentsRejected e) {
      return rejected;
    } catch (Exception e) {
      LOG.warn("MCP tool {} failed: {}", meta.tool(), e.getClass().getName());
      return error(TOOL_FAILED);
    } finally {
      lease.release();
    }
  }

  /** Whether {@code tools/list} shows {@code meta}'s tool to {@code caller}: only with a task whose scope has it. */
  boolean visible(McpCaller caller, ListingTask listing, McpToolMetadata meta) {
    Optional<AgentTask> task;
    if (tasks.scope() == TaskScope.REQUEST) {
      task = listing.get(() -> {
        CallerTasks.Lease lease = tasks.lease(caller);
        if (lease.task != null) {
          lease.release(); // scopes are fixed at start: the closed task still answers inScope
        }
        return Optional.ofNullable(lease.task);
      });
    } else {
      CallerTasks.Lease lease = tasks.lease(caller);
      task = Optional.ofNullable(lease.task).filter(AgentTask::isOpen);
    }
    return task.map(t -> t.inScope(meta.tool())).orElse(false);
  }

  private CallToolResult decide(AgentTask task, ToolRequest request, Callable<CallToolResult> action)
      throws Exception {
    if (task != null) {
      return task.wrap(() -> guard.call(request, action)).call();
    }
    // no task: the guard denies NO_TASK and records it. A task the application left bound to this
    // server thread must not decide it: a closed task bound over it makes the guard see none.
    if (guard.currentTask().isPresent()) {
      Optional<AgentTask> mask = noTask.get();
      if (mask.isEmpty()) { // the guard opens no task (closed, or its trail refuses): it would record nothing either
        LOG.warn("MCP tool {}: a task is bound to this server thread and the caller has none; denied NO_TASK",
            request.tool());
        return error(DenialText.of(DenyCode.NO_TASK));
      }
      return mask.get().wrap(() -> guard.call(request, action)).call();
    }
    return guard.call(request, action);
  }

  static CallToolResult error(String text) {
    return CallToolResult.builder().addTextContent(text).isError(true).build();
  }

  /** False for NaN and infinities, as numbers or as the strings a model may send for them, anywhere in the value. */
  static boolean finite(Object value) {
    if (value instanceof Double) {
      return Double.isFinite((Double) value);
    }
    if (value instanceof Float) {
      return Float.isFinite((Float) value);
    }
    if (value instanceof String) {
      return !NON_FINITE.contains(((String) value).strip().toLowerCase(Locale.ROOT));
    }
    if (value instanceof Collection<?>) {
      for (Object o : (Collection<?>) value) {
        if (o != null && !finite(o)) {
          return false;
        }
      }
    }
    return true;
  }
}
