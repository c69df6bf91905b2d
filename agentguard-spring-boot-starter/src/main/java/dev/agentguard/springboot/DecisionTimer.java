package dev.agentguard.springboot;

import dev.agentguard.Decision;
import dev.agentguard.ToolInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;

/**
 * A tool interceptor that times the guard's own decision work in Micrometer: timer
 * {@code agentguard.decision.duration}, tagged {@code tool}. It measures from the interceptor step of
 * the fixed order (see {@code AgentGuard}) to the policy's answer: later interceptors and the
 * policy evaluation; not the tool itself, not the audit write, and not the credential checks that
 * run before interceptors. It never changes a decision, and does nothing without a
 * {@link MeterRegistry} bean. Thread-safe.
 *
 * @since 0.2.0
 */
public final class DecisionTimer implements ToolInterceptor {
  /** The timer's name. */
  public static final String NAME = "agentguard.decision.duration";

  private final ObjectProvider<MeterRegistry> registry;

  /** Times into the context's registry, looked up on each call. */
  public DecisionTimer(ObjectProvider<MeterRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Decision intercept(Chain chain) {
    long start = System.nanoTime();
    try {
      return chain.proceed(chain.request());
    } finally {
      MeterRegistry r = registry.getIfAvailable();
      if (r != null) {
        Timer.builder(NAME)
            .description("Time AgentGuard spends deciding a tool call (interceptors and policy)")
            .tag("tool", chain.request().tool())
            .register(r)
            .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "DecisionTimer";
  }
}
