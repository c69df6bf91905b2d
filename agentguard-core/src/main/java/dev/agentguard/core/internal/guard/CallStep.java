package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;

/**
 * One check of the request path. {@link CallPipeline} runs the steps in their fixed order; the first
 * that returns a deny ends the call. Implementations are thread-safe: one instance serves every call.
 * A step that throws denies the call with {@code EVALUATION_ERROR} (the pipeline catches it).
 */
@FunctionalInterface
interface CallStep {
  /** Checks the call; {@code null} to pass it on, or the deny. */
  Decision check(Call call);
}
