/**
 * AgentGuard's API: what tool code, policies and adapters are written against. Depends on the JDK
 * only. {@code dev.agentguard.internal} is not API: it is opened to core alone.
 */
module dev.agentguard.api {
  exports dev.agentguard;
  exports dev.agentguard.internal to dev.agentguard.core;
}
