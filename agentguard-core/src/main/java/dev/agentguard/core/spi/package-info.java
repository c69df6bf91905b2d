/**
 * Service-provider interfaces of the guard's request path: where revocations are kept, where
 * per-agent rate windows are counted, and what runs on an allowed call before it is admitted to the
 * audit trail. Each has an in-memory default (the guard's behaviour when nothing is configured) and a
 * setting on {@link dev.agentguard.core.AgentGuard.Builder}. An implementation that fails, throws or
 * reports itself unavailable makes the guard deny, never allow.
 *
 * <p>{@link dev.agentguard.core.spi.CallObserver} is the one observation hook: it watches calls
 * (tracing, metrics) and has no say in them; none is configured by default.
 *
 * @since 0.2.0
 */
package dev.agentguard.core.spi;
