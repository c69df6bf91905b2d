package dev.agentguard.benchmarks;

import java.util.function.BooleanSupplier;

/**
 * One authorization engine loaded with a {@link Scenario}, adapted to the benchmark.
 *
 * <p>{@link #prepare} turns an engine-neutral request into the engine's own request objects, once,
 * outside the timed region (as an application would hold a prepared identity and build its request
 * from data it already has); the returned supplier runs exactly one authorization decision per call,
 * which is what the benchmarks time. {@link #perCall} is the other mode: the request is built inside
 * every call.
 *
 * @since 0.1.0
 */
public interface Engine {

  /** The engine's name as used in the benchmark parameter ({@code agentguard}, {@code jcasbin} ...). */
  String name();

  /**
   * Prepares {@code request}; the supplier returns {@code true} when the engine allows it.
   * The supplier throws {@link IllegalStateException} when the engine reports an error.
   */
  BooleanSupplier prepare(Scenario.Request request);

  /**
   * Like {@link #prepare}, but the returned supplier builds the engine's request objects (the
   * caller's identity included) from {@code request}'s plain values on every call, as an adapter
   * that receives a tool call must; so each call times request construction plus one decision.
   * The supplier throws {@link IllegalStateException} when the engine reports an error.
   *
   * @since 0.2.0
   */
  BooleanSupplier perCall(Scenario.Request request);
}
