package dev.agentguard.core.internal.policy;

import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.internal.Glob;
import java.util.List;

/**
 * One entry of a document's {@code limits:} list. Immutable and thread-safe.
 */
final class Limit implements PolicyLimit {
  final String id;
  final List<String> tools;
  final Glob[] toolGlobs;
  final List<String> agents; // null = any
  final Glob[] agentGlobs;
  final long maxCallsPerTask;
  final long maxCallsPerMinute;

  Limit(String id, List<String> tools, List<String> agents, long maxCallsPerTask, long maxCallsPerMinute) {
    this.id = id;
    this.tools = List.copyOf(tools);
    this.toolGlobs = tools.stream().map(Glob::compile).toArray(Glob[]::new);
    this.agents = agents == null ? null : List.copyOf(agents);
    this.agentGlobs = agents == null ? null : agents.stream().map(Glob::compile).toArray(Glob[]::new);
    this.maxCallsPerTask = maxCallsPerTask;
    this.maxCallsPerMinute = maxCallsPerMinute;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public long maxCallsPerTask() {
    return maxCallsPerTask;
  }

  @Override
  public long maxCallsPerMinute() {
    return maxCallsPerMinute;
  }

  boolean toolMatches(String tool) {
    return Glob.anyMatches(toolGlobs, tool);
  }

  boolean agentMatches(String agentId) {
    if (agentGlobs == null) {
      return true;
    }
    return Glob.anyMatches(agentGlobs, agentId);
  }

  @Override
  public String toString() {
    return "PolicyLimit{" + id + " tools=" + tools + (agents == null ? "" : " agents=" + agents)
        + (maxCallsPerTask < 0 ? "" : " maxCallsPerTask=" + maxCallsPerTask)
        + (maxCallsPerMinute < 0 ? "" : " maxCallsPerMinute=" + maxCallsPerMinute) + "}";
  }
}
