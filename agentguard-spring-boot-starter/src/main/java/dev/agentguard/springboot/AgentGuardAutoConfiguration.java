package dev.agentguard.springboot;

import dev.agentguard.AuditSink;
import dev.agentguard.PolicyException;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.PolicySet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;

/**
 * Auto-configures an {@link AgentGuard} from {@link AgentGuardProperties}, with every
 * {@link AuditSink} and {@link ToolInterceptor} bean of the context added and every
 * {@link AgentGuardBuilderCustomizer} applied; the guard is closed (its audit trail drained) when the
 * context closes. A bad policy fails the context's startup with the policy's source, line and
 * column. Define an {@code AgentGuard} bean to replace it.
 *
 * @since 0.2.0
 */
@AutoConfiguration
@ConditionalOnClass(AgentGuard.class)
@ConditionalOnProperty(prefix = "agentguard", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AgentGuardProperties.class)
public class AgentGuardAutoConfiguration {

  /** Creates the auto-configuration (Spring calls it). */
  public AgentGuardAutoConfiguration() {}

  /**
   * The guard.
   *
   * @throws IllegalStateException if {@code agentguard.policy} is missing or unreadable
   * @throws PolicyException if the policy does not parse, naming its source, line and column
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public AgentGuard agentGuard(AgentGuardProperties properties, ObjectProvider<AuditSink> sinks,
      ObjectProvider<ToolInterceptor> interceptors, ObjectProvider<AgentGuardBuilderCustomizer> customizers) {
    AgentGuard.Builder b = AgentGuard.builder();
    policy(b, properties.getPolicy());
    if (properties.getPolicyPollInterval() != null) {
      b.policyPollInterval(properties.getPolicyPollInterval());
    }
    if (!properties.getInternalHosts().isEmpty()) {
      b.internalHosts(properties.getInternalHosts().toArray(String[]::new));
    }
    if (properties.getIssuer() != null) {
      b.issuer(properties.getIssuer());
    }
    if (properties.getAudience() != null) {
      b.audience(properties.getAudience());
    }
    AgentGuardProperties.Audit audit = properties.getAudit();
    if (audit.getFile() != null) {
      b.auditSink(AuditSinks.jsonLines(audit.getFile()));
    }
    if (audit.getQueueCapacity() != null) {
      b.auditQueueCapacity(audit.getQueueCapacity());
    }
    if (audit.getOverflow() != null) {
      b.auditOverflow(audit.getOverflow(), audit.getOverflowWait());
    }
    if (audit.getCloseTimeout() != null) {
      b.auditCloseTimeout(audit.getCloseTimeout());
    }
    AgentGuardProperties.RiskTiers risk = properties.getRisk();
    if (risk.getWriteAhead() != null) {
      b.writeAheadRisk(risk.getWriteAhead());
    }
    if (risk.getWriteAheadTimeout() != null) {
      b.writeAheadTimeout(risk.getWriteAheadTimeout());
    }
    if (risk.getElevated() != null) {
      b.elevatedRisk(risk.getElevated());
    }
    if (risk.getElevatedMaxCredentialAge() != null) {
      b.elevatedMaxCredentialAge(risk.getElevatedMaxCredentialAge());
    }
    if (risk.getElevatedRequiresPrincipal() != null) {
      b.elevatedRequiresPrincipal(risk.getElevatedRequiresPrincipal());
    }
    if (risk.getElevatedRequiresVerifiedAgent() != null) {
      b.elevatedRequiresVerifiedAgent(risk.getElevatedRequiresVerifiedAgent());
    }
    if (properties.getTask().getDefaultTtl() != null) {
      b.defaultTaskTtl(properties.getTask().getDefaultTtl());
    }
    if (properties.getTask().getMaxTtl() != null) {
      b.maxTaskTtl(properties.getTask().getMaxTtl());
    }
    sinks.orderedStream().forEach(b::auditSink);
    interceptors.orderedStream().forEach(b::interceptor);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** A file is loaded (and so checked) now, then watched; anything else is read once and parsed. */
  private static void policy(AgentGuard.Builder b, Resource policy) {
    if (policy == null) {
      throw new IllegalStateException("agentguard.policy is not set: point it at the policy document, e.g."
          + " agentguard.policy=classpath:agentguard/policy.yaml or file:/etc/agent/policy.yaml");
    }
    if (!policy.exists()) {
      throw new IllegalStateException("agentguard.policy " + policy.getDescription() + " does not exist");
    }
    Path file = file(policy);
    if (file != null) {
      PolicySet.load(file); // fails startup with file, line and column; the builder then watches the file
      b.policy(file);
      return;
    }
    try (InputStream in = policy.getInputStream()) {
      b.policy(PolicySet.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), policy.getDescription()));
    } catch (IOException e) {
      throw new IllegalStateException("agentguard.policy " + policy.getDescription() + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Path file(Resource policy) {
    if (!policy.isFile()) {
      return null;
    }
    try {
      return policy.getFile().toPath();
    } catch (IOException e) {
      return null;
    }
  }
}
