package dev.agentguard.springboot;

import dev.agentguard.core.AgentGuard;
import dev.agentguard.springai.AgentGuardAdvisors;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.util.List;

/**
 * Guards Spring AI for the auto-configured {@code ChatClient.Builder}: a {@link ChatClientBuilderCustomizer}
 * adds the {@link AgentGuardAdvisors} (task on every thread, tool hiding, unguarded tools refused)
 * and the {@link GuardedToolBeans} (every {@code @Tool} bean method with {@code @AgentTool}) as
 * default tools of every {@code ChatClient} built from it.
 *
 * <p>Spring AI's {@code spring.ai.tools.resolution.fallback.enabled=true} resolves tools the
 * request never carried by name, past the advisors, so this configuration refuses to start with it.
 * Every bean is {@code @ConditionalOnMissingBean}.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = AgentGuardAutoConfiguration.class,
    afterName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass(ChatClient.class)
@ConditionalOnBean(AgentGuard.class)
@ConditionalOnProperty(prefix = "agentguard.spring-ai", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AgentGuardSpringAiAutoConfiguration {
  static final String FALLBACK = "spring.ai.tools.resolution.fallback.enabled";

  /** Creates the auto-configuration (Spring calls it). */
  public AgentGuardSpringAiAutoConfiguration() {}

  /** The guarded {@code @Tool} beans of the context. */
  @Bean
  @ConditionalOnMissingBean
  public GuardedToolBeans agentGuardToolBeans(ListableBeanFactory beans, AgentGuard guard, AgentGuardProperties properties) {
    return new GuardedToolBeans(beans, guard, properties.getSpringAi().isDenialsThrow());
  }

  /**
   * Adds the AgentGuard advisors (placed around the auto-configured {@code ToolCallingAdvisor}'s
   * order) and the guarded tool beans to every auto-configured {@code ChatClient.Builder}.
   *
   * @throws IllegalStateException if Spring AI's tool resolution fallback is enabled
   */
  @Bean
  @ConditionalOnMissingBean(name = "agentGuardChatClientBuilderCustomizer")
  public ChatClientBuilderCustomizer agentGuardChatClientBuilderCustomizer(GuardedToolBeans tools, AgentGuard guard,
      AgentGuardProperties properties, Environment env, ObjectProvider<ToolCallingAdvisor.Builder<?>> toolCallingAdvisor) {
    if (env.getProperty(FALLBACK, Boolean.class, false)) {
      throw new IllegalStateException(FALLBACK + "=true lets Spring AI run tools by name that no request carried,"
          + " past AgentGuard: remove it, or attach the tools to the ChatClient as guarded callbacks instead");
    }
    AgentGuardAdvisors.Builder b = AgentGuardAdvisors.builder(guard)
        .allowUnguardedTools(properties.getSpringAi().isAllowUnguardedTools());
    ToolCallingAdvisor.Builder<?> tca = toolCallingAdvisor.getIfAvailable();
    if (tca != null) {
      b.toolCallingAdvisorOrder(tca.getAdvisorOrder());
    }
    List<Advisor> advisors = b.build();
    return builder -> builder.defaultAdvisors(advisors).defaultTools(tools.provider());
  }
}
