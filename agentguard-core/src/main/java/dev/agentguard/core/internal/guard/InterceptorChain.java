package dev.agentguard.core.internal.guard;

import dev.agentguard.AgentTask;
import dev.agentguard.Decision;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.ToolRequest;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The user interceptors of one call, OkHttp-style: an immutable list and an index; each
 * {@link #proceed} hands the next interceptor a new chain. Misuse (proceed twice, a null result, an
 * allow that did not come from {@code proceed}, a request for another tool) is remembered and turns
 * the whole call into a deny, whatever an outer interceptor returns. Every request an interceptor
 * passes on gets the declared tool metadata back and its derived attributes recomputed before the
 * next interceptor or the policy sees it ({@link DerivedAttributes#afterInterceptor}).
 */
final class InterceptorChain implements ToolInterceptor.Chain {
  /** State shared by every chain of one call. */
  static final class Call {
    private final List<ToolInterceptor> interceptors;
    private final AgentTask task;
    private final ToolRequest declared;
    private final DerivedAttributes derived;
    private final Function<ToolRequest, Decision> policy;
    private ToolRequest decidedRequest;
    private String misuse;

    Call(List<ToolInterceptor> interceptors, AgentTask task, ToolRequest declared, DerivedAttributes derived,
        Function<ToolRequest, Decision> policy) {
      this.interceptors = interceptors;
      this.task = task;
      this.declared = declared;
      this.derived = derived;
      this.policy = policy;
    }

    /** The request the policy finally decided on, or {@code null} when it was never reached. */
    ToolRequest decidedRequest() {
      return decidedRequest;
    }

    /** What an interceptor did wrong, or {@code null}. */
    String misuse() {
      return misuse;
    }

    private void misused(String what) {
      if (misuse == null) {
        misuse = what;
      }
      throw new IllegalStateException(what);
    }
  }

  private final Call call;
  private final int index;
  private final ToolRequest request;
  private Decision returned;
  private boolean proceeded;

  InterceptorChain(Call call, int index, ToolRequest request) {
    this.call = call;
    this.index = index;
    this.request = request;
  }

  /** Runs every interceptor, then the policy. */
  static Decision run(Call call, ToolRequest request) {
    return new InterceptorChain(call, 0, request).dispatch(request);
  }

  @Override
  public ToolRequest request() {
    return request;
  }

  @Override
  public AgentTask task() {
    return call.task;
  }

  @Override
  public Decision proceed(ToolRequest next) {
    if (proceeded) {
      call.misused("interceptor #" + (index - 1) + " called proceed() twice");
    }
    proceeded = true;
    Objects.requireNonNull(next, "request");
    if (!next.tool().equals(request.tool())) {
      call.misused("interceptor #" + (index - 1) + " passed a request for another tool (" + next.tool() + ")");
    }
    // the request this chain was handed is already as the guard lets it through; anything else is redone
    returned = dispatch(next == request ? next : call.derived.afterInterceptor(call.declared, next));
    return returned;
  }

  /** Hands {@code next} to the interceptor at {@code index}, or to the policy after the last one. */
  private Decision dispatch(ToolRequest next) {
    if (index >= call.interceptors.size()) {
      call.decidedRequest = next;
      return call.policy.apply(next);
    }
    ToolInterceptor interceptor = call.interceptors.get(index);
    InterceptorChain downstream = new InterceptorChain(call, index + 1, next);
    Decision d = interceptor.intercept(downstream);
    if (d == null) {
      call.misused("interceptor " + interceptor.getClass().getName() + " returned null");
    }
    if (d.allowed() && d != downstream.returned) {
      call.misused("interceptor " + interceptor.getClass().getName()
          + " returned an allow it did not get from proceed()");
    }
    return d;
  }
}
