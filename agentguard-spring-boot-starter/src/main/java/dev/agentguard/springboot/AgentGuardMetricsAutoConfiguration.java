package dev.agentguard.springboot;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * When Micrometer is on the class path: a {@link DecisionCounter} audit sink and a
 * {@link DecisionTimer} interceptor, which the auto-configured guard picks up like any
 * {@code AuditSink} and {@code ToolInterceptor} bean. They record into the context's
 * {@link MeterRegistry} when there is one.
 *
 * @since 0.2.0
 */
@AutoConfiguration(before = AgentGuardAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
public class AgentGuardMetricsAutoConfiguration {

  /** Creates the auto-configuration (Spring calls it). */
  public AgentGuardMetricsAutoConfiguration() {}

  /** The decision counter. */
  @Bean
  @ConditionalOnMissingBean
  public DecisionCounter agentGuardDecisionCounter(ObjectProvider<MeterRegistry> registry) {
    return new DecisionCounter(registry);
  }

  /** The decision timer. */
  @Bean
  @ConditionalOnMissingBean
  public DecisionTimer agentGuardDecisionTimer(ObjectProvider<MeterRegistry> registry) {
    return new DecisionTimer(registry);
  }
}
