package dev.agentguard.mcp;

import io.modelcontextprotocol.server.McpAsyncListFilter;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guarded tools of one server, by MCP name: what the list filter reads, and the one place that
 * refuses a second tool of a registered name, so a guarded tool is never replaced silently.
 *
 * <p>Thread-safe.
 */
final class ToolRegistry {
  private final Map<String, McpToolMetadata> tools = new ConcurrentHashMap<>();

  /**
   * Reserves {@code name}, then runs {@code add} (the SDK registration); releases the name if it fails.
   *
   * @throws IllegalArgumentException if {@code name} is registered
   */
  void register(String name, McpToolMetadata meta, Runnable add) {
    if (tools.putIfAbsent(name, meta) != null) {
      throw new IllegalArgumentException("tool '" + name
          + "' is already registered; remove it first (a guarded tool is never replaced silently)");
    }
    try {
      add.run();
    } catch (RuntimeException e) {
      tools.remove(name);
      throw e;
    }
  }

  /** Removes {@code name} after {@code remove} (the SDK removal) ran; nothing when it is not registered. */
  void unregister(String name, Runnable remove) {
    if (tools.containsKey(name)) {
      remove.run();
      tools.remove(name);
    }
  }

  /** The {@code tools/list} filter: a tool is shown only to a caller whose task's scopes hold it. */
  McpAsyncListFilter<McpSchema.Tool> listFilter(ToolGate gate) {
    return McpAsyncListFilter.fromSync((context, tool) -> {
      McpToolMetadata meta = tools.get(tool.name());
      Object listing = context.get(CallerExtractor.LISTING);
      return meta != null && listing instanceof ListingTask
          && gate.visible(CallerExtractor.caller(context), (ListingTask) listing, meta);
    }, false); // false: offloaded to boundedElastic, since resolving a task may start one
  }

  /**
   * Checks that the SDK server holds exactly the guarded tools, once each.
   *
   * @throws IllegalStateException naming a tool registered through the SDK specification
   */
  void verify(List<McpSchema.Tool> listed) {
    Set<String> seen = new HashSet<>();
    for (McpSchema.Tool tool : listed) {
      if (!tools.containsKey(tool.name()) || !seen.add(tool.name())) {
        throw new IllegalStateException("tool '" + tool.name() + "' was registered through the SDK "
            + "specification and would run unguarded; register it through the guarded server's builder");
      }
    }
  }
}
