package dev.agentguard.mcp;

import dev.agentguard.AgentTask;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which AgentGuard task a caller's request runs under. Under {@link TaskScope#SESSION} a task is bound
 * to (session, principal) at first use: a request in that session from any other principal gets no
 * task, because the SDK does not bind sessions to principals (a request with A's
 * {@code Mcp-Session-Id} and B's credentials runs in A's session). An ended or expired session keeps
 * its closed task, so it never silently gets a fresh one.
 *
 * <p>Thread-safe.
 */
final class CallerTasks {
  /** Above this many sessions, those whose task is closed are forgotten; above it still, new ones get no task. */
  static final int MAX_SESSIONS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(CallerTasks.class);

  private final AgentGuard guard;
  private final McpTaskMapper mapper;
  private final TaskScope scope;
  private final ConcurrentHashMap<String, Binding> sessions = new ConcurrentHashMap<>();

  /** A session's principal and task; the task stays after it is closed, as a tombstone. */
  private static final class Binding {
    final String principal;
    final AgentTask task;

    Binding(String principal, AgentTask task) {
      this.principal = principal;
      this.task = task;
    }
  }

  /** A task for one request; {@link #release()} closes it when it was started for this request only. */
  static final class Lease {
    static final Lease NONE = new Lease(null, false);
    final AgentTask task;
    private final boolean perRequest;

    Lease(AgentTask task, boolean perRequest) {
      this.task = task;
      this.perRequest = perRequest;
    }

    void release() {
      if (perRequest) {
        task.close();
      }
    }
  }

  CallerTasks(AgentGuard guard, McpTaskMapper mapper, TaskScope scope) {
    this.guard = guard;
    this.mapper = mapper;
    this.scope = scope;
  }

  TaskScope scope() {
    return scope;
  }

  /** The task {@code caller}'s call runs under; {@link Lease#NONE} when it has none. */
  Lease lease(McpCaller caller) {
    Optional<String> principal = caller.principal();
    if (principal.isEmpty()) {
      return Lease.NONE;
    }
    if (scope == TaskScope.REQUEST) {
      return start(caller).map(t -> new Lease(t, true)).orElse(Lease.NONE);
    }
    Optional<String> session = caller.sessionId();
    if (session.isEmpty()) {
      return Lease.NONE;
    }
    Binding b = sessions.get(session.get());
    if (b == null) {
      if (sessions.size() >= MAX_SESSIONS) {
        sessions.values().removeIf(x -> !x.task.isOpen());
        if (sessions.size() >= MAX_SESSIONS) {
          LOG.warn("{} MCP sessions hold open tasks; a new session gets no task", sessions.size());
          return Lease.NONE;
        }
      }
      b = sessions.computeIfAbsent(session.get(),
          k -> start(caller).map(t -> new Binding(principal.get(), t)).orElse(null));
      if (b == null) {
        return Lease.NONE;
      }
    }
    if (!b.principal.equals(principal.get())) {
      LOG.warn("a request in an MCP session bound to another principal gets no task");
      return Lease.NONE;
    }
    return new Lease(b.task, false);
  }

  /** Closes the task of a session its own principal ended; a DELETE by another principal changes nothing. */
  void sessionEnded(String sessionId, String principal) {
    Binding b = sessions.get(sessionId);
    if (b != null && b.principal.equals(principal)) {
      b.task.close();
    }
  }

  /** Closes every session's task (server shutdown). */
  void closeAll() {
    for (Binding b : sessions.values()) {
      b.task.close();
    }
  }

  private Optional<AgentTask> start(McpCaller caller) {
    Optional<TaskSpec> spec;
    try {
      spec = mapper.taskFor(caller);
    } catch (RuntimeException e) {
      LOG.warn("the task mapper threw {}; the caller gets no task", e.getClass().getName());
      return Optional.empty();
    }
    if (spec == null || spec.isEmpty()) {
      return Optional.empty();
    }
    TaskSpec s = spec.get();
    try {
      return Optional.of(guard.openTask(s)); // bound to no thread: ToolGate binds it around each call
    } catch (RuntimeException e) {
      LOG.warn("starting the caller's task failed ({}); the caller gets no task", e.getClass().getName());
      return Optional.empty();
    }
  }
}
