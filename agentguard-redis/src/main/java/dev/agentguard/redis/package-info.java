/**
 * AgentGuard across a fleet of processes through Redis: shared revocations, fleet-wide per-agent
 * rate limits and a registry of the running guards. See {@code docs/fleet.md}.
 *
 * @since 0.2.0
 */
package dev.agentguard.redis;
