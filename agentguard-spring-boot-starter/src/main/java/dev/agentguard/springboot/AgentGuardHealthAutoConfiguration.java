package dev.agentguard.springboot;

import dev.agentguard.core.AgentGuard;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link AgentGuardHealthIndicator} when Spring Boot's health support is on the class path.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = AgentGuardAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(AgentGuard.class)
public class AgentGuardHealthAutoConfiguration {

  /** Creates the auto-configuration (Spring calls it). */
  public AgentGuardHealthAutoConfiguration() {}

  /** The guard's health indicator ({@code /actuator/health/agentGuard}). */
  @Bean
  @ConditionalOnMissingBean(name = "agentGuardHealthIndicator")
  public AgentGuardHealthIndicator agentGuardHealthIndicator(AgentGuard guard) {
    return new AgentGuardHealthIndicator(guard);
  }
}
