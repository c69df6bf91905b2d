package dev.agentguard;

/**
 * The one extension point of a guarded call, in the shape of OkHttp's interceptors: an interceptor
 * sees the request, may deny it outright, or calls {@link Chain#proceed(ToolRequest)} to let the
 * rest of the chain (further interceptors, then the policy decision) decide.
 *
 * <p>Interceptors run after the built-in checks (task, credential, budgets) and before the policy
 * decision. They cannot turn a deny into an allow: an allow is only honoured if it is the very
 * decision {@code proceed} returned. Calling {@code proceed} more than once, returning {@code null}
 * or throwing anything (checked exceptions and {@code Error}s included; only a
 * {@code VirtualMachineError} propagates) denies the call with {@link DenyCode#EVALUATION_ERROR}.
 *
 * <p>Implementations must be thread-safe: one instance serves every call.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ToolInterceptor {
  /** Decides, usually by calling {@code chain.proceed(chain.request())} and inspecting the result. */
  Decision intercept(Chain chain);

  /** The rest of the chain, as seen by one interceptor. Valid only during {@code intercept}. */
  interface Chain {
    /** The request being decided. */
    ToolRequest request();

    /** The task the call runs under. */
    AgentTask task();

    /**
     * Passes the request on. A changed request may be passed to add or replace plain attributes, but
     * not one for a different tool (the call is then denied). What the tool declared cannot be
     * changed: the guard puts the declared action, risk and sensitivity back, and recomputes the
     * derived attributes ({@code destination.scheme/host/port} from {@code destination.url},
     * {@code destination.external} from the host) before the next interceptor or the policy sees
     * the request.
     *
     * @throws IllegalStateException when called more than once
     */
    Decision proceed(ToolRequest request);
  }
}
