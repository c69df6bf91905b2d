package dev.agentguard.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.DenyCode;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.GuardedMethod;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one guarded {@code @Tool} method for LangChain4j: binds the model's JSON arguments to the
 * method's parameters, then calls {@link GuardedMethod#invoke} (task, credential, scope, limits,
 * policy, audit, redaction) under the task captured for the request, or else under the task bound to
 * the executing thread.
 *
 * <p>Immutable and thread-safe.
 */
final class GuardedToolExecutor implements ToolExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedToolExecutor.class);

  private final String llmName;
  private final GuardedMethod method;
  private final ToolArguments arguments;
  private final boolean voidResult;
  private final boolean denialsThrow;
  private final AgentTask task;
  /** Shared by the executors of one GuardedTools: the map form's missing-task hint is logged once. */
  private final AtomicBoolean noTaskHintLogged;

  GuardedToolExecutor(String llmName, GuardedMethod method, ToolArguments arguments, boolean voidResult,
      boolean denialsThrow, AgentTask task, AtomicBoolean noTaskHintLogged) {
    this.llmName = llmName;
    this.method = method;
    this.arguments = arguments;
    this.voidResult = voidResult;
    this.denialsThrow = denialsThrow;
    this.task = task;
    this.noTaskHintLogged = noTaskHintLogged;
  }

  /** The same executor, deciding every call under {@code task} whatever thread runs it. */
  GuardedToolExecutor boundTo(AgentTask task) {
    return new GuardedToolExecutor(llmName, method, arguments, voidResult, denialsThrow, task, noTaskHintLogged);
  }

  /** The AgentGuard tool name. */
  String tool() {
    return method.tool();
  }

  @Override
  public String execute(ToolExecutionRequest request, Object memoryId) {
    return executeWithContext(request, InvocationContext.builder().chatMemoryId(memoryId).build()).resultText();
  }

  @Override
  public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
    Object[] args;
    try {
      args = arguments.bind(request.arguments(), context);
    } catch (IllegalArgumentException e) {
      throw new ToolArgumentsException(e.getMessage(), e);
    }
    Object result;
    try {
      result = task == null ? method.invoke(args) : task.wrap(call(args)).call();
    } catch (AccessDeniedException denied) {
      LOG.debug("tool {} ({}) denied: {}", llmName, method.tool(), denied.code());
      if (task == null && denied.code() == DenyCode.NO_TASK && noTaskHintLogged.compareAndSet(false, true)) {
        LOG.warn("tool {} ({}) ran on thread '{}' with no AgentTask bound and was denied NO_TASK. With"
            + " GuardedTools.wrap(...)/toolExecutors(), calls are decided under the task bound to the thread that"
            + " runs them; AiServices.executeToolsConcurrently() runs them on a pool without it. Use"
            + " GuardedTools.provider(guard, tools) (carries the task to any thread),"
            + " executeToolsConcurrently(GuardedTools.propagateTask(guard, executor)), or, for an AI service"
            + " built per task, tools(guardedTools.toolExecutors(task)). Logged once.",
            llmName, method.tool(), Thread.currentThread().getName());
      }
      if (denialsThrow) {
        throw denied;
      }
      return ToolExecutionResult.builder()
          .isError(true)
          .resultText(DenialText.of(denied.decision()))
          .build();
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      throw new ToolExecutionException(e);
    }
    return ToolExecutionResult.builder().result(result).resultText(text(result)).build();
  }

  private Callable<Object> call(Object[] args) {
    return () -> {
      try {
        return method.invoke(args);
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new ToolExecutionException(t);
      }
    };
  }

  /** The text the model receives, as LangChain4j's own executor renders results. */
  private String text(Object result) {
    if (voidResult) {
      return "Success";
    }
    if (result == null) {
      return "null";
    }
    if (result instanceof String s) {
      return s;
    }
    try {
      return ToolArguments.JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new ToolExecutionException("the result of tool " + llmName + " cannot be rendered as JSON", e);
    }
  }
}
