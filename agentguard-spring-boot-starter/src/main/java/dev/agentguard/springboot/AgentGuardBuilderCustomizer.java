package dev.agentguard.springboot;

import dev.agentguard.core.AgentGuard;

/**
 * A bean that adjusts the {@link AgentGuard.Builder} of the auto-configured guard after the
 * properties were applied, for settings that are not properties (a clock, a signing key, ...).
 * Customizers run in {@code @Order} order.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface AgentGuardBuilderCustomizer {
  /** Adjusts {@code builder}; a setting the properties already gave may not be set again. */
  void customize(AgentGuard.Builder builder);
}
