package dev.agentguard.examples.springai;

import java.io.PrintStream;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot application of the demo: two beans of its own (the tools and the offline model);
 * the AgentGuard starter and Spring AI's auto-configuration provide the rest from
 * {@code agentguard.*} properties.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SupportApplication {
  static PrintStream console = System.out;

  /** The tools: plain {@code @Tool} + {@code @AgentTool} methods, guarded by the starter. */
  @Bean
  HelpdeskTools helpdeskTools() {
    return new HelpdeskTools();
  }

  /** The offline model (in production: the OpenAI, Anthropic, ... starter). */
  @Bean
  ChatModel chatModel() {
    return new ScriptedSupportModel(console);
  }
}
