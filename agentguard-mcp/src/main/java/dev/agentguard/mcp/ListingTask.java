package dev.agentguard.mcp;

import dev.agentguard.AgentTask;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The task one {@code tools/list} request is answered under in {@link TaskScope#REQUEST} scope,
 * resolved once per request (the SDK asks the list filter once per tool) and kept in that request's
 * transport context.
 */
final class ListingTask {
  private Optional<AgentTask> task;

  synchronized Optional<AgentTask> get(Supplier<Optional<AgentTask>> resolve) {
    if (task == null) {
      task = resolve.get();
    }
    return task;
  }
}
