package dev.agentguard.mcp;

import dev.agentguard.TaskSpec;
import java.util.Optional;

/**
 * Maps an MCP caller to the AgentGuard task its tool calls run under: the agent identity, scopes
 * (tool globs), TTL and on-behalf-of of the task, typically derived from the authenticated principal.
 *
 * <p>Return empty for a caller that gets no task; its calls are then denied {@code NO_TASK} and
 * recorded. A caller without a principal never reaches the mapper: it has no task. A mapper that
 * throws counts as empty (logged without the exception's message).
 *
 * <p>Called from Reactor {@code boundedElastic} threads, concurrently for different callers: keep it
 * thread-safe and free of blocking I/O where possible. Under {@link TaskScope#SESSION} it is called
 * once per (session, principal); under {@link TaskScope#REQUEST}, once per call and per listing.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface McpTaskMapper {

  /** The task specification for {@code caller}, or empty for none. */
  Optional<TaskSpec> taskFor(McpCaller caller);
}
