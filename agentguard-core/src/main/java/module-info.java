/**
 * The AgentGuard engine. Exports the entry points ({@code dev.agentguard.core}) and the SPIs
 * ({@code dev.agentguard.core.spi}); everything under {@code dev.agentguard.core.internal} stays
 * inside the module.
 */
module dev.agentguard.core {
  requires transitive dev.agentguard.api;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;
  requires org.slf4j;

  exports dev.agentguard.core;
  exports dev.agentguard.core.spi;
}
